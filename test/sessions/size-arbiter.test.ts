import { SizeArbiter } from '../../src/sessions/size-arbiter';

describe('SizeArbiter (the most recently active writer sets the size)', () => {
  const desk = { name: 'desk' };
  const phone = { name: 'phone' };
  const script = { name: 'script' };

  it('applies the size a writer attaches with, and its resizes while it is the active writer', () => {
    const arbiter = new SizeArbiter();
    expect(arbiter.attach(desk, { cols: 120, rows: 40 })).toEqual({ cols: 120, rows: 40 });
    expect(arbiter.active).toBe(desk);
    expect(arbiter.request(desk, { cols: 100, rows: 30 })).toEqual({ cols: 100, rows: 30 });
  });

  it("ignores another writer's resize until that writer types, then applies its latest size", () => {
    const arbiter = new SizeArbiter();
    arbiter.attach(desk, { cols: 120, rows: 40 });
    arbiter.attach(phone, { cols: 40, rows: 20 });
    expect(arbiter.active).toBe(phone);
    expect(arbiter.request(desk, { cols: 130, rows: 45 })).toBeNull(); // remembered, not applied
    expect(arbiter.activity(phone)).toBeNull(); // already active: nothing to change
    expect(arbiter.activity(desk)).toEqual({ cols: 130, rows: 45 });
    expect(arbiter.activity(desk)).toBeNull(); // each further keystroke changes nothing
    expect(arbiter.request(phone, { cols: 41, rows: 20 })).toBeNull(); // a re-fit of the idle phone
  });

  it('gives the size back to the next most recently active writer when the active one leaves', () => {
    const arbiter = new SizeArbiter();
    arbiter.attach(desk, { cols: 120, rows: 40 });
    arbiter.attach(phone, { cols: 40, rows: 20 });
    expect(arbiter.detach(desk)).toBeNull(); // not the active one
    arbiter.attach(desk, { cols: 120, rows: 40 });
    expect(arbiter.detach(desk)).toEqual({ cols: 40, rows: 20 });
    expect(arbiter.detach(phone)).toBeNull(); // nobody left
    expect(arbiter.active).toBeUndefined();
  });

  it('lets writers that never told their size type without taking the size', () => {
    const arbiter = new SizeArbiter();
    arbiter.attach(desk, { cols: 120, rows: 40 });
    expect(arbiter.attach(script)).toBeNull();
    expect(arbiter.activity(script)).toBeNull();
    expect(arbiter.active).toBe(desk);
    expect(arbiter.request(desk, { cols: 90, rows: 30 })).toEqual({ cols: 90, rows: 30 });
    // Once it sends a size it takes part like any other writer.
    expect(arbiter.request(script, { cols: 60, rows: 20 })).toEqual({ cols: 60, rows: 20 });
  });

  it('ignores unknown writers', () => {
    const arbiter = new SizeArbiter();
    expect(arbiter.request(desk, { cols: 10, rows: 10 })).toBeNull();
    expect(arbiter.activity(desk)).toBeNull();
    expect(arbiter.detach(desk)).toBeNull();
  });
});
