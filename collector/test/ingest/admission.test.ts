/** Each admitted request frees its place exactly once, whichever of its ends comes first. */
import { describe, expect, it } from 'vitest';
import { IngestAdmission } from '../../src/ingest/admission.js';

describe('IngestAdmission', () => {
  it('holds a handled request until release, however often its connection closes', () => {
    const admission = new IngestAdmission(1);
    const slot = admission.tryAcquire()!;
    expect(admission.tryAcquire()).toBeUndefined();
    expect(slot.enterHandler()).toBe(true);
    slot.connectionClosed();
    expect(admission.inFlight).toBe(1);
    slot.release();
    slot.release();
    slot.connectionClosed();
    expect(admission.inFlight).toBe(0);
  });

  it('frees the place of a request whose connection closed before its handler ran', () => {
    const admission = new IngestAdmission(1);
    const early = admission.tryAcquire()!;
    early.connectionClosed();
    early.connectionClosed();
    expect(admission.inFlight).toBe(0);
    // Its handler runs anyway: it takes a place again if there is one…
    expect(early.enterHandler()).toBe(true);
    expect(admission.inFlight).toBe(1);
    early.release();
    expect(admission.inFlight).toBe(0);
    // …and writes nothing when another request has it.
    const late = admission.tryAcquire()!;
    late.connectionClosed();
    const other = admission.tryAcquire()!;
    expect(late.enterHandler()).toBe(false);
    late.release();
    expect(admission.inFlight).toBe(1);
    other.connectionClosed();
    expect(admission.inFlight).toBe(0);
  });
});
