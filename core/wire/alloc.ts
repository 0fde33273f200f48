/**
 * Frame buffers carved from shared slabs. A `new Uint8Array(n)` larger than 64 bytes
 * gets a backing store of its own outside V8's heap (allocated, zeroed and tracked per
 * frame), which measured as the largest single cost of sending a simulated packet; a
 * view into a larger ArrayBuffer is an ordinary small object. A slab is freed by the
 * garbage collector once no frame in it is alive. Frames from a slab start zeroed, as
 * new ArrayBuffers are.
 */

/** Bytes per slab: a few hundred 1500-byte frames. */
export const SLAB_BYTES = 512 * 1024;

let slab = new ArrayBuffer(SLAB_BYTES);
let used = 0;

/** A zeroed buffer of `len` bytes. */
export function allocFrame(len: number): Uint8Array {
  if (len > SLAB_BYTES / 4) return new Uint8Array(len);
  if (used + len > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    used = 0;
  }
  const view = new Uint8Array(slab, used, len);
  // Keep every frame 8-byte aligned, so that word-wise checksum loops may use typed views.
  used += (len + 7) & ~7;
  return view;
}

/** A copy of `frame` in a fresh buffer (a router rewrites its copy, never the original). */
export function copyFrame(frame: Uint8Array): Uint8Array {
  const out = allocFrame(frame.length);
  out.set(frame);
  return out;
}
