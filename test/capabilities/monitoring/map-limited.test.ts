import { mapLimited } from '../../../src/plugins/monitor-system/map-limited';

describe('mapLimited (how the monitor walks hundreds of session trees)', () => {
  test('keeps input order and never has more than the limit in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const items = Array.from({ length: 50 }, (_, i) => i);
    const results = await mapLimited(items, 4, async (i) => {
      inFlight++;
      most = Math.max(most, inFlight);
      // Finish out of order: later items are quicker.
      await new Promise((resolve) => setTimeout(resolve, (50 - i) % 7));
      inFlight--;
      return i * 2;
    });
    expect(results).toEqual(items.map((i) => i * 2));
    expect(most).toBe(4);
  });

  test('an empty list and a limit above the list size', async () => {
    expect(await mapLimited([], 4, async () => 1)).toEqual([]);
    expect(await mapLimited([1, 2], 10, async (x) => x + 1)).toEqual([2, 3]);
  });

  test('a rejection rejects the whole map', async () => {
    await expect(mapLimited([1, 2, 3], 2, async (x) => {
      if (x === 2) throw new Error('gone');
      return x;
    })).rejects.toThrow('gone');
  });
});
