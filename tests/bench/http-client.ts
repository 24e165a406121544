/**
 * A minimal HTTP/1.1 keep-alive client for load generation: one request at a time per
 * connection, the request written as one prepared buffer, the response read by its
 * Content-Length. Node's http client spends several times the CPU of the request itself, and
 * the load generator shares this machine's cores with the app and PostgreSQL; a sender such as
 * Stripe does not. Only what the benchmark needs: no chunked bodies, no redirects.
 */
import net from "node:net";

export interface Connection {
  /** Sends a prepared request; resolves with the response status when its body has arrived. */
  send: (request: Buffer) => Promise<number>;
  close: () => void;
}

export function postRequest(host: string, port: number, path: string, body: string, headers: Record<string, string>): Buffer {
  const payload = Buffer.from(body);
  const head =
    `POST ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nConnection: keep-alive\r\nContent-Length: ${payload.length}\r\n` +
    Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join("") +
    "\r\n";
  return Buffer.concat([Buffer.from(head, "latin1"), payload]);
}

export function connectHttp(host: string, port: number): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port, noDelay: true });
    let pending: { resolve: (status: number) => void; reject: (error: Error) => void } | null = null;
    let buffered = Buffer.alloc(0);
    const fail = (error: Error) => {
      const waiting = pending;
      pending = null;
      waiting?.reject(error);
    };
    socket.on("data", (chunk) => {
      buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
      const end = buffered.indexOf("\r\n\r\n");
      if (end < 0 || !pending) return;
      const head = buffered.toString("latin1", 0, end);
      const status = Number(head.slice(9, 12));
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? NaN);
      if (!Number.isFinite(length)) return fail(new Error(`response without Content-Length:\n${head}`));
      if (buffered.length < end + 4 + length) return;
      buffered = buffered.subarray(end + 4 + length);
      const waiting = pending;
      pending = null;
      waiting.resolve(status);
    });
    socket.on("error", (error) => fail(error));
    socket.on("close", () => fail(new Error("connection closed")));
    socket.once("connect", () =>
      resolve({
        send: (request) =>
          new Promise<number>((ok, ko) => {
            if (pending) return ko(new Error("one request at a time"));
            pending = { resolve: ok, reject: ko };
            socket.write(request);
          }),
        close: () => socket.destroy(),
      }),
    );
    socket.once("error", reject);
  });
}
