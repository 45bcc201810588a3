// Batched backend calls: one call (one CUDA launch) runs stretches of replicates of several tasks,
// e.g. every pending work unit of a study's cells that share an estimator and a dimension. The
// call's items are numbered 0 .. items - 1 across the segments, and item k is written to output
// slot k. Written once for both backends.
#pragma once

#include <cstdint>

#include "core/device_macros.h"

namespace mrtsim {

// Replicates first .. first + count - 1 of task `task`, as items (and output slots) slot .. slot +
// count - 1. A call's segments hold consecutive items: segment s + 1 starts where segment s ends.
struct ReplicateSegment {
  int task;
  uint32_t first;
  uint32_t count;
  long long slot;
};

// Which segment item `item` belongs to (binary search over the segments' first slots).
MRTSIM_HD MRTSIM_INLINE int segment_of(const ReplicateSegment* segments, int n_segments, long long item) {
  int low = 0, high = n_segments - 1;
  while (low < high) {
    const int middle = (low + high + 1) / 2;
    if (segments[middle].slot <= item) low = middle;
    else high = middle - 1;
  }
  return low;
}

// The task index and replicate of item `item`.
struct SegmentItem {
  int task;
  uint32_t replicate;
};

MRTSIM_HD MRTSIM_INLINE SegmentItem locate_item(const ReplicateSegment* segments, int n_segments, long long item) {
  const ReplicateSegment& s = segments[segment_of(segments, n_segments, item)];
  return SegmentItem{s.task, s.first + static_cast<uint32_t>(item - s.slot)};
}

}  // namespace mrtsim
