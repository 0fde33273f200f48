/**
 * Docker's userland proxy on a real kernel: the publishing lab of docker-semantics.md
 * 6(c) (a Docker host, a container `web` on docker0, `ext` beside the host), written by
 * hand and without Docker's firewall rules, so that every connection to a published port
 * goes through the proxy. Checked: what the container sees (the bridge's address), a
 * proxy on 127.0.0.1 refusing another host address, a container port that refuses the
 * proxy, UDP answers from the address the client wrote to, half-close, how long a UDP
 * client is remembered, and that nothing listens once the agent has quit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HelperPlan, TimelineEntryPlan } from '../core/plan/types.js';
import { emulatorAvailable, itEmulator } from '../test/helpers/emulator.js';
import { buildOnKernel } from '../test/helpers/kernel-lab.js';
import { publishLab } from '../test/helpers/plans.js';
import { AgentClient, PYTHON } from './agent-client.js';
import { logNotes, proxyCommand, startHelpers } from './docker-proxy.js';
import { run } from './exec.js';
import { RunResources } from './lifecycle.js';
import { RunNames } from './names.js';
import { emulate } from './run.js';

const tcp = (hostIp: string, hostPort: number, containerPort: number): HelperPlan => ({
  kind: 'docker-proxy',
  proto: 'tcp',
  hostIp,
  hostPort,
  containerIp: '172.17.0.4',
  containerPort,
  version: '28',
});
const udp = (hostPort: number, containerPort: number, version: HelperPlan['version'] = '28'): HelperPlan => ({
  kind: 'docker-proxy',
  proto: 'udp',
  hostIp: '0.0.0.0',
  hostPort,
  containerIp: '172.17.0.4',
  containerPort,
  version,
});

/**
 * `-p 8080:80 -p 127.0.0.1:8082:80 -p 9999:9999/udp`, 8085 to a port nothing serves, 7000 for the
 * half-close test, 9996 the UDP port of a 20.10 engine.
 */
const HELPERS = [
  tcp('0.0.0.0', 8080, 80),
  tcp('127.0.0.1', 8082, 80),
  tcp('0.0.0.0', 8085, 81),
  udp(9999, 9999),
  tcp('0.0.0.0', 7000, 7000),
  udp(9996, 9999, '20.10'),
];
const SERVICES = [
  { proto: 'tcp', port: 80, owner: 'web' },
  { proto: 'udp', port: 9999, owner: 'web' },
] as const;

function probe(name: string, i: number, ns: string, kind: 'tcp' | 'udp', dst: string, port: number): TimelineEntryPlan {
  return {
    atNs: 100_000_000 * (i + 1),
    name,
    action: { kind, ns, dst, port, request: 'hello\n', timeoutNs: 2_000_000_000 },
  };
}

const PROBES = [
  probe('host-loopback-8080', 0, 'dockerhost', 'tcp', '127.0.0.1', 8080),
  probe('ext-8080', 1, 'ext', 'tcp', '203.0.113.2', 8080),
  probe('web-hairpin-8080', 2, 'web', 'tcp', '203.0.113.2', 8080),
  probe('host-loopback-8082', 3, 'dockerhost', 'tcp', '127.0.0.1', 8082),
  probe('ext-8082', 4, 'ext', 'tcp', '203.0.113.2', 8082),
  probe('host-bridge-8082', 5, 'dockerhost', 'tcp', '172.17.0.1', 8082),
  probe('backend-refuses', 6, 'dockerhost', 'tcp', '127.0.0.1', 8085),
  probe('udp-loopback', 7, 'dockerhost', 'udp', '127.0.0.1', 9999),
  probe('udp-hairpin', 8, 'web', 'udp', '203.0.113.2', 9999),
  probe('udp-hairpin-20.10', 9, 'web', 'udp', '203.0.113.2', 9996),
  probe('udp-ext-20.10', 10, 'ext', 'udp', '203.0.113.2', 9996),
];

describe('the proxy command and its log', () => {
  it('passes a helper to the agent field by field', () => {
    expect(proxyCommand('tnab12-dockerhost', tcp('127.0.0.1', 8082, 80))).toEqual({
      op: 'proxy',
      ns: 'tnab12-dockerhost',
      proto: 'tcp',
      hostIp: '127.0.0.1',
      hostPort: 8082,
      containerIp: '172.17.0.4',
      containerPort: 80,
      version: '28',
    });
  });
  it("names the plan's namespace in the notes", () => {
    const names = new RunNames('ab12');
    expect(logNotes([{ ns: 'tnab12-dockerhost', what: 'docker-proxy -proto tcp', message: 'refused' }], names)).toEqual(
      ['namespace dockerhost: docker-proxy -proto tcp: refused'],
    );
  });
});

describe('docker-proxy in an emulator run', () => {
  itEmulator('relays published ports as docker-proxy does (seed 1)', async () => {
    const { observations: o } = await emulate(publishLab(HELPERS, SERVICES, PROBES));
    const byName = new Map(o.probes.map((p) => [p.name, p]));
    const get = (n: string) => byName.get(n) ?? expect.fail(`no probe ${n}`);
    // The container sees the proxy's connection from the bridge's address, whoever the client is.
    for (const n of ['host-loopback-8080', 'ext-8080', 'web-hairpin-8080', 'host-loopback-8082']) {
      expect(get(n), n).toMatchObject({ outcome: 'delivered', seen: { address: '172.17.0.1' } });
    }
    // -p 127.0.0.1:8082:80 listens on loopback only: the kernel refuses the other addresses.
    for (const n of ['ext-8082', 'host-bridge-8082'])
      expect(get(n), n).toMatchObject({ outcome: 'refused', detail: 'Connection refused' });
    // The container port refuses the proxy: the proxy closes the client's connection. With the
    // request already in its buffer the close is a reset (Linux tcp_close), else a FIN.
    const refused = get('backend-refuses');
    expect([
      ['refused', 'Connection reset by peer'],
      ['timed-out', 'the server closed without a reply line'],
    ]).toContainEqual([refused.outcome, refused.detail]);
    expect(refused.rttsNs).toHaveLength(1); // the proxy accepted the connection
    expect(
      o.notes.some((n) => n.includes("can't forward traffic to backend tcp/172.17.0.4:81: Connection refused")),
    ).toBe(true);
    // UDP: the probe's socket is connected, so an answer counts only if it comes from the address it wrote to.
    expect(get('udp-loopback')).toMatchObject({ outcome: 'delivered', seen: { address: '172.17.0.1' } });
    expect(get('udp-hairpin')).toMatchObject({ outcome: 'delivered', seen: { address: '172.17.0.1' } });
    // 20.10's proxy lets routing pick the reply's source: toward a container, the bridge's
    // 172.17.0.1, which the container's socket (connected to 203.0.113.2) ignores, as the
    // measured 20.10.24 engine did. From outside the route's source is the address written to.
    expect(get('udp-hairpin-20.10')).toMatchObject({ outcome: 'timed-out', received: 0 });
    expect(get('udp-ext-20.10')).toMatchObject({ outcome: 'delivered', seen: { address: '172.17.0.1' } });
  });
});

/** Runs a Python script in a namespace; resolves with its output. */
async function python(ns: string, script: string): Promise<string> {
  return (await run(['ip', 'netns', 'exec', ns, PYTHON, '-S', '-c', script], { timeoutMs: 30_000 })).stdout;
}

/** The servers the tests started, ended by pid in the end if they are still running. */
const servers = new Set<ChildProcess>();

/** Starts a Python server in a namespace; resolves once it prints `ready`, with its output to come. */
function server(ns: string, script: string): Promise<{ output: Promise<string> }> {
  const child = spawn('ip', ['netns', 'exec', ns, PYTHON, '-S', '-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  servers.add(child);
  let out = '';
  let err = '';
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const output = new Promise<string>((resolve, reject) => {
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`server exited with ${code}: ${err}`))));
  });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.startsWith('ready\n')) resolve({ output });
    });
    output.catch(reject);
  });
}

const HALF_CLOSE_SERVER = `
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('0.0.0.0', 7000)); s.listen(1); s.settimeout(20)
print('ready', flush=True)
c, a = s.accept(); c.settimeout(20); n = 0
while True:
    d = c.recv(65536)
    if not d: break
    n += len(d)
c.sendall(b'got %d from %s\\n' % (n, a[0].encode())); c.close()
`;

const HALF_CLOSE_CLIENT = `
import socket
c = socket.create_connection(('203.0.113.2', 7000), timeout=20)
c.sendall(b'x' * 200000); c.shutdown(socket.SHUT_WR)
buf = b''
while True:
    d = c.recv(65536)
    if not d: break
    buf += d
print(buf.decode(), end='')
`;

/** Sends from one socket, so that the proxy sees one client: answers, waits, asks again. */
const UDP_CLIENT = `
import socket, time
c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); c.settimeout(5); c.connect(('203.0.113.2', 9998))
def ask():
    c.send(b'q'); return c.recv(100).decode().strip()
print(ask()); time.sleep(0.1); print(ask()); time.sleep(0.7); print(ask())
`;

/** A container service on `port` that never answers: it prints the source port of every datagram. */
const silentServer = (port: number) => `
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('0.0.0.0', ${port})); s.settimeout(20)
print('ready', flush=True)
for _ in range(5):
    _, a = s.recvfrom(100); print(a[1], flush=True)
`;

/** Five datagrams from one socket to the host's `port`, 200 ms apart. */
const silentClient = (port: number) => `
import socket, time
c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); c.connect(('203.0.113.2', ${port}))
for _ in range(5):
    c.send(b'q'); time.sleep(0.2)
`;

describe('the relay', () => {
  const lab = publishLab(HELPERS, SERVICES);
  let names: RunNames;
  let agent: AgentClient;
  const res = new RunResources();

  beforeAll(async () => {
    if (!emulatorAvailable()) return;
    ({ names, agent } = await buildOnKernel(lab, res));
    for (const s of SERVICES) await agent.request({ op: 'listen', ns: names.ns('web'), proto: s.proto, port: s.port });
    await startHelpers(lab, names, agent);
  }, 60_000);

  afterAll(async () => {
    if (names === undefined) return;
    for (const child of servers) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await res.teardown();
  }, 60_000);

  itEmulator("half-closes: the client's EOF reaches the container, whose answer still comes back", async () => {
    const srv = await server(names.ns('web'), HALF_CLOSE_SERVER);
    const got = await python(names.ns('ext'), HALF_CLOSE_CLIENT);
    expect(got).toBe('got 200000 from 172.17.0.1\n');
    await srv.output;
  });

  itEmulator('remembers a UDP client while it is active, and forgets it after the timeout', async () => {
    await agent.request({ ...proxyCommand(names.ns('dockerhost'), udp(9998, 9999)), udpTimeoutNs: 300_000_000 });
    const [first, second, third] = (await python(names.ns('ext'), UDP_CLIENT)).trim().split('\n');
    expect(first).toMatch(/^seen 172\.17\.0\.1:\d+$/);
    expect(second).toBe(first); // the same socket toward the container
    expect(third).toMatch(/^seen 172\.17\.0\.1:\d+$/);
    expect(third).not.toBe(first); // a new one: the first was forgotten
  });

  itEmulator(
    'keeps a UDP client that keeps writing, even when the container never answers (Docker 28.0.2)',
    async () => {
      const srv = await server(names.ns('web'), silentServer(9997));
      await agent.request({ ...proxyCommand(names.ns('dockerhost'), udp(9997, 9997)), udpTimeoutNs: 300_000_000 });
      await python(names.ns('ext'), silentClient(9997));
      const ports = (await srv.output).trim().split('\n').slice(1);
      expect(ports).toHaveLength(5);
      expect(new Set(ports).size).toBe(1);
    },
  );

  itEmulator('forgets a UDP client the container never answers, however often it writes (Docker 20.10)', async () => {
    const srv = await server(names.ns('web'), silentServer(9995));
    await agent.request({
      ...proxyCommand(names.ns('dockerhost'), udp(9995, 9995, '20.10')),
      udpTimeoutNs: 300_000_000,
    });
    await python(names.ns('ext'), silentClient(9995));
    const ports = (await srv.output).trim().split('\n').slice(1);
    expect(ports).toHaveLength(5);
    // Sent at 0, 0.2, 0.4, 0.6 and 0.8 s; forgotten 0.3 s after each new socket: three sockets.
    expect(new Set(ports).size).toBe(3);
  });

  itEmulator('reports a port it cannot bind', async () => {
    await expect(agent.request(proxyCommand(names.ns('web'), tcp('0.0.0.0', 80, 80)))).rejects.toThrow(
      /Address already in use/,
    );
  });

  itEmulator('stops listening when the agent quits', async () => {
    const other = new AgentClient();
    await other.ready;
    const ns = names.ns('dockerhost');
    await other.request(proxyCommand(ns, tcp('0.0.0.0', 7100, 80)));
    await other.request(proxyCommand(ns, udp(7100, 9999)));
    const listening = async () =>
      (await run(['ip', 'netns', 'exec', ns, 'ss', '-Hlntu', 'sport', '=', ':7100'])).stdout
        .trim()
        .split('\n')
        .filter((l) => l !== '');
    expect(await listening()).toHaveLength(2);
    await other.stop();
    expect(other.exitCode).toBe(0);
    expect(await listening()).toEqual([]);
  });
});
