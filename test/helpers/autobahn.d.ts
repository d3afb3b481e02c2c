// autobahn ships no type declarations; test/helpers/clients.ts narrows what the tests use.
declare module 'autobahn';
