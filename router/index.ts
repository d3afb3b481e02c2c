// Sprocket's public API: the only entry point for embedding applications.
export { createRouter, Router } from './router.js';
export type { RouterOptions, RouterStats, ListenAddress, RealmHandle } from './router.js';
export type { RouterConfig, RouterConfigInput, RealmConfig, WebSocketListenerConfig, LogLevel } from './config.js';
export { DEFAULTS } from './config.js';
export { ConfigError, CONFIG_SCHEMA, validateConfig } from './config-schema.js';
export { LocalSession, CallResult, RUNTIME_ERROR_URI } from './session/local-session.js';
export type { LocalSessionOptions, ProcedureHandler, EventHandler } from './session/local-session.js';
export { WampError, ProtocolViolation } from '../realms/protocol/errors.js';
export { ErrorUri } from '../realms/protocol/uris.js';
export { MessageType } from '../realms/protocol/message-type.js';
export type { Message, Dict, Args } from '../realms/protocol/messages.js';
export { startDemo, DEMO_URIS } from './demo.js';
export type { DemoOptions, DemoHandle } from './demo.js';
