import { createServer, type Server } from 'node:net';
import { TransportConfig } from '../../src/transport/transport-config';
import { assertNativeUws, UwsServer } from '../../src/transport/uws-server';
import { memoryLogger } from './transport-test-kit';

const make = (port: number, options?: ConstructorParameters<typeof UwsServer>[0]['options']) =>
  new UwsServer({ host: '127.0.0.1', port, log: memoryLogger(), authenticators: () => [], options });

describe('UwsServer lifecycle', () => {
  test('port 0 resolves to the real port, and the url works', async () => {
    const server = make(0);
    const address = await server.listen();
    expect(address.port).toBeGreaterThan(0);
    expect(address).toEqual({ host: '127.0.0.1', port: address.port, url: `http://127.0.0.1:${address.port}` });
    expect(server.address).toEqual(address);
    expect((await fetch(`${address.url}/x`)).status).toBe(404);
    await expect(server.listen()).rejects.toThrow(/TF_ERR_LISTEN/);
    await server.close();
    expect(server.address).toBeNull();
  });

  test('a taken port fails loudly with TF_ERR_LISTEN and host:port (no silent SO_REUSEPORT sharing)', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    await expect(make(port).listen()).rejects.toMatchObject({ code: 'TF_ERR_LISTEN', message: expect.stringContaining(`127.0.0.1:${port}`) });
    blocker.close();

    const first = make(0);
    const { port: uwsPort } = await first.listen();
    await expect(make(uwsPort).listen()).rejects.toMatchObject({ code: 'TF_ERR_LISTEN' });
    await first.close();
  });

  test('close() is safe without listen and more than once', async () => {
    const server = make(0);
    await server.close();
    await server.close();
    await expect(server.listen()).rejects.toThrow(/closed/);
  });

  test('invalid transport options are refused at construction', () => {
    expect(() => make(0, { maxBodyBytes: -1 })).toThrow(/TF_ERR_CONFIG/);
    expect(() => make(0, { allowedOrigins: ['https://ok.example/path'] })).toThrow(/TF_ERR_CONFIG/);
    expect(() => make(0, { unknownOption: true } as never)).toThrow(/TF_ERR_CONFIG/);
  });
});

describe('assertNativeUws', () => {
  test('accepts native functions and refuses the JavaScript fallback', () => {
    expect(() => make(0)).not.toThrow(); // the constructor checks the real binary loaded here
    expect(() => assertNativeUws({ App: Math.max })).not.toThrow(); // any native function
    const shim = { App: function App() { return {}; } };
    expect(() => assertNativeUws(shim)).toThrow(/TF_ERR_UWS_NOT_NATIVE/);
    expect(() => assertNativeUws({ App: undefined })).toThrow(/native/);
  });
});

describe('TransportConfig', () => {
  test('defaults are the documented safe values', () => {
    expect(TransportConfig.parse({})).toEqual({
      maxBodyBytes: 1024 * 1024,
      maxJsonDepth: 32,
      maxJsonKeys: 10_000,
      maxWsPayloadBytes: 4 * 1024 * 1024,
      wsMaxBackpressure: 64 * 1024 * 1024,
      idleTimeoutSec: 120,
      allowedOrigins: [],
      cors: { origins: [] },
      trustProxy: false,
      sseKeepAliveMs: 15_000,
      sseMaxQueuedBytes: 1024 * 1024,
    });
  });

  test('origins are normalised the way browsers send them', () => {
    expect(TransportConfig.parse({ allowedOrigins: ['HTTPS://App.Example:443', 'http://localhost:5173/'] }).allowedOrigins).toEqual(['https://app.example', 'http://localhost:5173']);
    expect(() => TransportConfig.parse({ cors: { origins: ['*'] } })).toThrow();
  });
});
