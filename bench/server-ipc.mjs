// The IPC side shared by both benchmark servers: the orchestrator asks for session counts,
// memory and CPU, and tells the process to stop. A server never outlives its parent.
export function serveIpc(url, sessions) {
  process.on('message', async (m) => {
    if (m.type === 'stop') process.exit(0); // exit(), not a signal: --cpu-prof writes its file on exit
    let reply;
    if (m.type === 'stats') reply = { sessions: sessions() };
    else if (m.type === 'cpu') reply = process.cpuUsage();
    else if (m.type === 'now') reply = Number(process.hrtime.bigint() / 1000n); // µs, the clock of .cpuprofile timestamps
    else if (m.type === 'mem') {
      for (let i = 0; i < 3; i++) {
        globalThis.gc?.();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      reply = process.memoryUsage();
    }
    process.send({ type: 'reply', id: m.id, reply });
  });
  process.on('disconnect', () => process.exit(0));
  process.send({ type: 'ready', url, pid: process.pid });
}
