// Checkpoints of a study run: the finished work units, recorded as they finish, so that a killed
// run resumes where it stopped and Slurm shards can be merged.
//
// A run folder holds DIR/checkpoint/units-<writer>.log, one append-only file per writing process
// (writer = MPI rank; 0 for a single process). Each file is a header record followed by unit
// records. A record is
//     u32 kind ('H' header / 'U' unit) | u32 payload bytes | payload | u32 CRC-32 of the payload
// with integers and IEEE doubles little-endian, so partial results are stored bit-exactly. Records
// are appended and fsync'ed after every backend batch; a kill can at most leave an incomplete last
// record, which is reported and cut off before the file is appended to again. A complete record
// with a wrong checksum, a foreign header or a unit that does not fit the study is an error:
// checkpoints are never used silently when they may be damaged or belong to another run.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "host/results/work_unit.h"

namespace mrtsim {

struct CheckpointContents {
  bool exists = false;  // false: no checkpoint in the folder yet
  RunIdentity identity;
  ShardSpec shard;
  std::vector<UnitRecord> records;  // in file order; units are unique
  std::vector<std::string> warnings;  // incomplete last records (interrupted writes)
};

// Reads every log in `dir`/checkpoint, checks that each belongs to the run `expected` (see
// require_same_run) and each record against `units` (what the study plans) and
// `coefficients_per_cell`. Throws UserError naming the file and byte offset on any damage, on
// logs of another run or of different shards, and on a unit recorded twice. With `repair`,
// incomplete last records are cut off (only while holding the folder's CheckpointLock).
CheckpointContents read_checkpoint(const std::string& dir, const RunIdentity& expected,
                                   const UnitLayout& units,
                                   const std::vector<size_t>& coefficients_per_cell, bool repair);

// One log as read_checkpoint reads it, from its bytes (`label` names it in errors, `dir` is its run
// folder): the header checked against `expected`, the unit records checked against the study, and
// where the complete records end (before an interrupted last write). UserError on any damage.
struct CheckpointLog {
  bool has_header = false;  // false only for an empty log
  RunIdentity identity;
  ShardSpec shard;
  std::vector<UnitRecord> records;
  size_t complete_bytes = 0;  // below the size of the bytes: an incomplete last record starts here
};
CheckpointLog parse_checkpoint_log(const std::string& bytes, const std::string& label, const std::string& dir,
                                   const RunIdentity& expected, const UnitLayout& units,
                                   const std::vector<size_t>& coefficients_per_cell);

// The run identity and shard recorded in `dir`'s checkpoint (for mrtsim merge, which rebuilds the
// study from it). UserError when `dir` holds no checkpoint.
std::pair<RunIdentity, ShardSpec> read_checkpoint_identity(const std::string& dir);

// Throws UserError explaining how `found` (read from `dir`) differs from `expected`, if it does.
void require_same_run(const RunIdentity& found, const RunIdentity& expected, const std::string& dir);

// Removes `dir`/checkpoint (for --restart).
void remove_checkpoint(const std::string& dir);

// Exclusive use of `dir`/checkpoint by one run (the run's first process), so that a second run
// started on the same folder stops with an error instead of mixing its records in.
class CheckpointLock {
 public:
  explicit CheckpointLock(const std::string& dir);
  ~CheckpointLock();
  CheckpointLock(const CheckpointLock&) = delete;
  CheckpointLock& operator=(const CheckpointLock&) = delete;

 private:
  int fd_ = -1;
};

// Appends unit records to `dir`/checkpoint/units-<writer>.log, creating it with a header. Holds an
// exclusive lock on the file so two runs cannot write the same log.
class CheckpointWriter {
 public:
  CheckpointWriter(const std::string& dir, int writer, const RunIdentity& identity, const ShardSpec& shard);
  ~CheckpointWriter();
  CheckpointWriter(const CheckpointWriter&) = delete;
  CheckpointWriter& operator=(const CheckpointWriter&) = delete;

  // Appends the records and flushes them to disk before returning.
  void append(const std::vector<UnitRecord>& records);

 private:
  std::string path_;
  int fd_ = -1;
};

// Unit records as bytes (for sending them between MPI ranks) and back.
std::string encode_unit_records(const std::vector<UnitRecord>& records);
std::vector<UnitRecord> decode_unit_records(const std::string& bytes);

}  // namespace mrtsim
