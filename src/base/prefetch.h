// Starting to load a cache line that a loop will read a few iterations on.
//
// g++ 12 deletes a __builtin_prefetch that runs under a data-dependent condition, or whose
// address is chosen by one, as dead code (its dead-code elimination counts the prefetch as
// having no effect), so hash probes that pick a table by the key lost their prefetches
// without a word. An asm volatile statement is never deleted. Layer: base.
#pragma once

namespace floe {

inline void prefetch(const void* p) {
#if defined(__x86_64__)
  asm volatile("prefetcht0 (%0)" : : "r"(p));
#elif defined(__aarch64__)
  asm volatile("prfm pldl1keep, [%0]" : : "r"(p));
#else
  __builtin_prefetch(p);
#endif
}

}  // namespace floe
