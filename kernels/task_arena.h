// Where a simulation task's per decision point arrays live, and how a backend moves a task into its
// own memory. Host code only.
//
// A task (WclsSimulationTask, ...) is plain data that the kernels read: scalars, and pointers to
// arrays grouped in "array group" structs whose only members are `const T*` pointers (e.g.
// LiaoModelArrays). Every array is copied into the task's TaskArena when the plan builds the task,
// and the task lists its groups in for_each_array_group. To run on CUDA, the backend copies the whole
// arena in one transfer and relocate_task moves every pointer of every group by the same offset.
// Nothing lists individual arrays, so a new array cannot be forgotten by the device copy; a pointer
// that does not point into the arena (an array added without the arena) is an error at relocation,
// which tests/test_task_arena.cc exercises for every task family on the CPU.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <type_traits>
#include <vector>

namespace mrtsim {

class TaskArena {
 public:
  TaskArena() = default;
  TaskArena(const TaskArena&) = delete;
  TaskArena& operator=(const TaskArena&) = delete;

  // Copies `values` into the arena; the returned pointer stays valid while the arena lives (null for
  // an empty vector: an optional array that is off).
  template <class T>
  const T* add(const std::vector<T>& values) {
    static_assert(std::is_trivially_copyable_v<T> && alignof(T) <= kAlignment, "arena arrays hold plain values");
    if (values.empty()) return nullptr;
    const size_t bytes = sizeof(T) * values.size();
    Chunk chunk{std::make_unique<std::byte[]>(bytes), bytes, packed_bytes_};
    std::memcpy(chunk.data.get(), values.data(), bytes);
    packed_bytes_ += round_up(bytes);
    const T* placed = reinterpret_cast<const T*>(chunk.data.get());
    chunks_.push_back(std::move(chunk));
    return placed;
  }

  // Bytes of the packed copy: every array at its offset, each aligned to kAlignment.
  size_t packed_bytes() const { return packed_bytes_; }
  // Writes the packed copy (packed_bytes() bytes) to `out`.
  void pack(std::byte* out) const {
    for (const Chunk& c : chunks_) std::memcpy(out + c.offset, c.data.get(), c.bytes);
  }
  // The address in a packed copy at `packed_base` of the arena address `host`; throws for an
  // address outside the arena.
  const std::byte* packed_address(const std::byte* host, const std::byte* packed_base) const {
    for (const Chunk& c : chunks_) {
      const std::byte* begin = c.data.get();
      if (host >= begin && host < begin + c.bytes) return packed_base + c.offset + (host - begin);
    }
    throw std::logic_error("a simulation task points at an array outside its TaskArena");
  }
  // Overwrites every array with 0xFF bytes (NaN for doubles): tests check that a relocated task
  // reads nothing of the original.
  void poison() {
    for (Chunk& c : chunks_) std::memset(c.data.get(), 0xFF, c.bytes);
  }

 private:
  static constexpr size_t kAlignment = 16;
  static size_t round_up(size_t bytes) { return (bytes + kAlignment - 1) / kAlignment * kAlignment; }

  struct Chunk {
    std::unique_ptr<std::byte[]> data;
    size_t bytes;
    size_t offset;  // in the packed copy
  };
  std::vector<Chunk> chunks_;
  size_t packed_bytes_ = 0;
};

// Moves every pointer of an array group into the packed copy at `packed_base`.
template <class Group>
void relocate_array_group(Group& group, const TaskArena& arena, const std::byte* packed_base) {
  static_assert(std::is_trivially_copyable_v<Group> && sizeof(Group) % sizeof(const void*) == 0,
                "an array group holds only pointers");
  auto* words = reinterpret_cast<unsigned char*>(&group);
  for (size_t k = 0; k < sizeof(Group) / sizeof(const void*); ++k) {
    const std::byte* pointer = nullptr;
    std::memcpy(&pointer, words + k * sizeof(pointer), sizeof(pointer));
    if (pointer) pointer = arena.packed_address(pointer, packed_base);
    std::memcpy(words + k * sizeof(pointer), &pointer, sizeof(pointer));
  }
}

// `task` with every array pointer moved into a packed copy of `arena` at `packed_base` (host or
// device memory). Task: trivially copyable, with `template <class F> void for_each_array_group(F)`.
template <class Task>
Task relocate_task(const Task& task, const TaskArena& arena, const std::byte* packed_base) {
  static_assert(std::is_trivially_copyable_v<Task>, "a task is plain data");
  Task moved = task;
  moved.for_each_array_group([&](auto& group) { relocate_array_group(group, arena, packed_base); });
  return moved;
}

}  // namespace mrtsim
