import { connect } from 'node:net';

/** The network boundary of health checks (faked in tests). */
export interface HealthProbes {
  /** HTTP(S) GET: the status code, or throws when nothing answers. */
  httpGet(url: string, timeoutMs: number): Promise<number>;
  /** Resolves when a TCP connection opens; throws otherwise. */
  tcpConnect(host: string, port: number, timeoutMs: number): Promise<void>;
}

export const networkProbes: HealthProbes = {
  async httpGet(url, timeoutMs) {
    const res = await fetch(url, {
      method: 'GET',
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
    await res.body?.cancel();
    return res.status;
  },
  tcpConnect(host, port, timeoutMs) {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      const done = (err?: Error) => {
        socket.destroy();
        if (err) reject(err);
        else resolve();
      };
      socket.setTimeout(timeoutMs, () => done(new Error(`timed out after ${timeoutMs} ms`)));
      socket.once('connect', () => done());
      socket.once('error', (err) => done(err));
    });
  },
};
