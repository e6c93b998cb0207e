import type { Principal } from '../../src/plugin-api';
import { SingleUseTickets } from '../../src/plugins/shared/single-use-tickets';

// The store behind WebSocket tickets and download links, with a clock the test moves.

const ada: Principal = { id: 'ada', role: 'writer', via: 'auth-token', credential: 'token:ada' };
const bob: Principal = { id: 'bob', role: 'viewer', via: 'auth-token', credential: 'token:bob' };

function store(max = 3) {
  let now = 1_000_000;
  const tickets = new SingleUseTickets<{ principal: Principal; file: string }>(60_000, max, () => now, 'download links');
  return { tickets, advance: (ms: number) => (now += ms) };
}

describe('single-use tickets', () => {
  test('a ticket stands for its value once, until it expires', () => {
    const { tickets, advance } = store();
    const first = tickets.issue({ principal: ada, file: '/a' });
    expect(first.ticket).toMatch(/^[\w-]{43}$/);
    expect(first.expiresAt).toBe(1_060_000);
    expect(tickets.redeem(first.ticket)).toEqual({ principal: ada, file: '/a' });
    expect(tickets.redeem(first.ticket)).toBeNull();
    const late = tickets.issue({ principal: ada, file: '/b' });
    advance(60_000);
    expect(tickets.redeem(late.ticket)).toBeNull();
    expect(tickets.redeem('not a ticket')).toBeNull();
    expect(tickets.size).toBe(0);
  });

  test('a revoked credential loses its unused tickets, others keep theirs', () => {
    const { tickets } = store();
    const ada1 = tickets.issue({ principal: ada, file: '/a' });
    const bob1 = tickets.issue({ principal: bob, file: '/b' });
    tickets.forget('token:ada');
    expect(tickets.redeem(ada1.ticket)).toBeNull();
    expect(tickets.redeem(bob1.ticket)?.file).toBe('/b');
  });

  test('beyond the limit: 429 until some expire (expired ones are dropped first)', () => {
    const { tickets, advance } = store(2);
    tickets.issue({ principal: ada, file: '/1' });
    advance(30_000);
    tickets.issue({ principal: ada, file: '/2' });
    expect(() => tickets.issue({ principal: ada, file: '/3' })).toThrow(expect.objectContaining({ status: 429, code: 'TF_ERR_RATE_LIMITED', message: 'Too many unused download links; use or let some expire first' }));
    advance(30_000); // the first has expired
    expect(tickets.issue({ principal: ada, file: '/3' }).ticket).toMatch(/^[\w-]{43}$/);
    expect(tickets.size).toBe(2);
  });
});
