// Scratch memory for the kernels: the host allocates flat arrays here, calls a kernel, reads results, then resets.

/** Reserve `bytes` bytes (16-byte aligned, so v128 loads are aligned); returns the pointer. */
export function alloc(bytes: usize): usize {
  return heap.alloc(bytes);
}

/** Drop every allocation at once (bump allocator). */
export function reset(): void {
  heap.reset();
}
