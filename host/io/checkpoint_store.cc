#include "host/io/checkpoint_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <boost/crc.hpp>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include "core/user_error.h"
#include "host/config/study_config.h"

namespace fs = std::filesystem;

namespace mrtsim {

namespace {

constexpr uint32_t kHeaderKind = 'H';
constexpr uint32_t kUnitKind = 'U';
constexpr uint32_t kFormatVersion = 4;  // 4: unit records carry every replicate's fit (3: tallies)
constexpr size_t kFrameOverhead = 12;  // kind, length, CRC
// A longer length field is damage, not an interrupted write: a unit of kMaxReplicatesPerUnit replicates
// of 64 coefficients takes 158 MB.
constexpr uint32_t kMaxPayload = 256u << 20;

fs::path checkpoint_folder(const std::string& dir) { return fs::path(dir) / "checkpoint"; }

uint32_t crc32_of(const std::string& bytes) {
  boost::crc_32_type crc;
  crc.process_bytes(bytes.data(), bytes.size());
  return crc.checksum();
}

// Little-endian encoding of the fields of a record payload.
class ByteWriter {
 public:
  void u32(uint32_t v) { raw(&v, sizeof v); }
  void i64(long long v) { raw(&v, sizeof v); }
  void f64(double v) { raw(&v, sizeof v); }
  void text(const std::string& s) {
    i64(static_cast<long long>(s.size()));
    bytes_ += s;
  }
  const std::string& bytes() const { return bytes_; }

 private:
  void raw(const void* p, size_t n) { bytes_.append(static_cast<const char*>(p), n); }  // x86/ARM: little-endian
  std::string bytes_;
};

struct MalformedRecord : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class ByteReader {
 public:
  explicit ByteReader(const std::string& bytes) : bytes_(bytes) {}
  uint32_t u32() { return read<uint32_t>(); }
  long long i64() { return read<long long>(); }
  double f64() { return read<double>(); }
  std::string text() {
    const long long n = i64();
    if (n < 0 || static_cast<size_t>(n) > bytes_.size() - pos_) throw MalformedRecord("string length out of range");
    std::string s = bytes_.substr(pos_, static_cast<size_t>(n));
    pos_ += static_cast<size_t>(n);
    return s;
  }
  bool at_end() const { return pos_ == bytes_.size(); }

 private:
  template <typename T>
  T read() {
    if (bytes_.size() - pos_ < sizeof(T)) throw MalformedRecord("record shorter than its fields");
    T v;
    std::memcpy(&v, bytes_.data() + pos_, sizeof v);
    pos_ += sizeof v;
    return v;
  }
  const std::string& bytes_;
  size_t pos_ = 0;
};

std::string frame(uint32_t kind, const std::string& payload) {
  ByteWriter w;
  w.u32(kind);
  w.u32(static_cast<uint32_t>(payload.size()));
  std::string out = w.bytes() + payload;
  ByteWriter crc;
  crc.u32(crc32_of(payload));
  return out + crc.bytes();
}

std::string header_payload(const RunIdentity& id, const ShardSpec& shard) {
  ByteWriter w;
  w.u32(kFormatVersion);
  w.text(id.engine_version);
  w.i64(static_cast<long long>(id.seed));
  w.i64(id.replicates);
  w.i64(id.replicates_per_unit);
  w.i64(shard.index);
  w.i64(shard.count);
  w.text(id.study_text);
  w.text(id.study_file);
  return w.bytes();
}

void decode_header(const std::string& payload, RunIdentity& id, ShardSpec& shard) {
  ByteReader r(payload);
  const uint32_t version = r.u32();
  if (version != kFormatVersion)
    throw MalformedRecord("checkpoint format " + std::to_string(version) + ", this mrtsim reads format " +
                          std::to_string(kFormatVersion));
  id.engine_version = r.text();
  id.seed = static_cast<uint64_t>(r.i64());
  id.replicates = r.i64();
  id.replicates_per_unit = r.i64();
  const long long shard_index = r.i64(), shard_count = r.i64();
  shard.index = static_cast<int>(std::clamp<long long>(shard_index, 0, 1LL << 30));
  shard.count = static_cast<int>(std::clamp<long long>(shard_count, 0, 1LL << 30));
  id.study_text = r.text();
  id.study_file = r.text();
  if (!r.at_end()) throw MalformedRecord("trailing bytes in the header");
  if (shard.count < 1 || shard.index < 1 || shard.index > shard.count) throw MalformedRecord("shard out of range");
  if (id.replicates < 1 || id.replicates > kMaxReplicates || id.replicates_per_unit < 1)
    throw MalformedRecord("replicate counts out of range");
}

void write_doubles(ByteWriter& w, const std::vector<double>& values) {
  w.i64(static_cast<long long>(values.size()));
  for (double v : values) w.f64(v);
}

std::string unit_payload(const UnitRecord& record) {
  ByteWriter w;
  w.i64(static_cast<long long>(record.unit));
  w.text(record.backend);
  const CellPartial& p = record.partial;
  w.i64(static_cast<long long>(p.dim));
  w.i64(p.replicates());
  for (const ReplicateFit& fit : p.fits) {
    w.i64(fit.replicate);
    w.i64(fit.status);
    w.i64(fit.n_eff);
    w.i64(fit.reject + 2 * fit.reject_unadjusted);
    w.f64(fit.permutation_p);
    w.i64(fit.failed_reshuffles);
  }
  write_doubles(w, p.estimates);
  write_doubles(w, p.std_errors);
  write_doubles(w, p.std_errors_unadjusted);
  return w.bytes();
}

// A count read from a record: never negative, never more than `max`.
size_t bounded_count(ByteReader& r, size_t max, const char* what) {
  const long long n = r.i64();
  if (n < 0 || static_cast<unsigned long long>(n) > max) throw MalformedRecord(std::string(what) + " out of range");
  return static_cast<size_t>(n);
}

int bounded_int(ByteReader& r, long long min, long long max, const char* what) {
  const long long v = r.i64();
  if (v < min || v > max) throw MalformedRecord(std::string(what) + " out of range");
  return static_cast<int>(v);
}

// `expected` doubles (a count field that says otherwise is damage).
std::vector<double> read_doubles(ByteReader& r, size_t expected, const char* what) {
  if (bounded_count(r, expected, what) != expected) throw MalformedRecord(std::string(what) + ": wrong count");
  std::vector<double> values(expected);
  for (double& v : values) v = r.f64();
  return values;
}

UnitRecord decode_unit(const std::string& payload) {
  ByteReader r(payload);
  UnitRecord record;
  record.unit = bounded_count(r, SIZE_MAX / 2, "unit index");
  record.backend = r.text();
  CellPartial& p = record.partial;
  p.dim = bounded_count(r, 64, "coefficient count");
  // Each replicate takes 48 bytes at least: a longer count cannot fit in the payload.
  p.fits.resize(bounded_count(r, payload.size() / 48, "replicate count"));
  for (ReplicateFit& fit : p.fits) {
    fit.replicate = r.i64();
    fit.status = bounded_int(r, 0, kFitStatusCount - 1, "fit status");
    fit.n_eff = bounded_int(r, 0, INT32_MAX, "subject count");
    const int decisions = bounded_int(r, 0, 3, "test decisions");
    fit.reject = decisions & 1;
    fit.reject_unadjusted = decisions & 2;
    fit.permutation_p = r.f64();
    fit.failed_reshuffles = bounded_int(r, 0, INT32_MAX, "failed reshuffles");
  }
  const size_t values = p.fits.size() * p.dim;
  p.estimates = read_doubles(r, values, "estimates");
  p.std_errors = read_doubles(r, values, "standard errors");
  const long long unadjusted = r.i64();
  if (unadjusted != 0 && unadjusted != static_cast<long long>(values))
    throw MalformedRecord("unadjusted standard errors: wrong count");
  p.std_errors_unadjusted.resize(static_cast<size_t>(unadjusted));
  for (double& v : p.std_errors_unadjusted) v = r.f64();
  if (!r.at_end()) throw MalformedRecord("trailing bytes in a unit record");
  return record;
}

struct Frame {
  uint32_t kind;
  std::string payload;
};

// Splits `bytes` into frames. Returns the offset where parsing stopped: bytes.size() when every
// frame is complete, else the start of an incomplete last frame. A complete frame that fails its
// checksum is an error.
size_t split_frames(const std::string& bytes, std::vector<std::pair<size_t, Frame>>& frames) {
  size_t pos = 0;
  while (pos < bytes.size()) {
    if (bytes.size() - pos < kFrameOverhead) return pos;
    uint32_t kind, length, crc;
    std::memcpy(&kind, bytes.data() + pos, 4);
    std::memcpy(&length, bytes.data() + pos + 4, 4);
    if (kind != kHeaderKind && kind != kUnitKind) throw MalformedRecord("unknown record kind");
    if (length > kMaxPayload) throw MalformedRecord("record length out of range");
    if (bytes.size() - pos - kFrameOverhead < length) return pos;
    std::string payload = bytes.substr(pos + 8, length);
    std::memcpy(&crc, bytes.data() + pos + 8 + length, 4);
    if (crc != crc32_of(payload)) throw MalformedRecord("checksum mismatch");
    frames.push_back({pos, Frame{kind, std::move(payload)}});
    pos += kFrameOverhead + length;
  }
  return pos;
}

std::string read_whole_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError(path.string() + ": cannot read checkpoint log");
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void check_unit(const UnitRecord& record, const UnitLayout& units,
                const std::vector<size_t>& coefficients_per_cell) {
  if (record.unit >= units.size()) throw MalformedRecord("unit index beyond the study's units");
  const WorkUnit unit = units.unit(record.unit);
  const CellPartial& p = record.partial;
  if (p.replicates() != unit.count) throw MalformedRecord("replicate count does not match the unit");
  for (long long r = 0; r < unit.count; ++r)
    if (p.fits[static_cast<size_t>(r)].replicate != unit.first + r)
      throw MalformedRecord("replicate indices do not match the unit");
  if (p.dim != coefficients_per_cell[unit.cell]) throw MalformedRecord("wrong number of coefficients for the unit's cell");
}

std::vector<fs::path> log_files(const fs::path& folder) {
  std::vector<fs::path> logs;
  for (const auto& entry : fs::directory_iterator(folder)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && name.rfind("units-", 0) == 0 && entry.path().extension() == ".log")
      logs.push_back(entry.path());
  }
  std::sort(logs.begin(), logs.end());
  return logs;
}

std::string describe_unit(const WorkUnit& unit) {
  return "unit " + std::to_string(unit.index) + " (cell " + std::to_string(unit.cell + 1) + ", replicates " +
         std::to_string(unit.first + 1) + "-" + std::to_string(unit.first + unit.count) + ")";
}

[[noreturn]] void throw_os_error(const std::string& what, const std::string& path) {
  throw UserError(path + ": " + what + ": " + std::strerror(errno));
}

void write_all(int fd, const std::string& bytes, const std::string& path) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw_os_error("cannot write checkpoint", path);
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) throw_os_error("cannot flush checkpoint to disk", path);
}

// Takes an exclusive, non-blocking lock; file systems without locks are accepted as they are.
void lock_or_explain(int fd, const std::string& path, const std::string& holder) {
  if (::flock(fd, LOCK_EX | LOCK_NB) == 0 || errno == ENOLCK || errno == EINVAL) return;
  if (errno == EWOULDBLOCK)
    throw UserError(path + ": " + holder + " is using this checkpoint; wait for it to finish or use another --out");
  throw_os_error("cannot lock", path);
}

}  // namespace

CheckpointLog parse_checkpoint_log(const std::string& bytes, const std::string& label, const std::string& dir,
                                   const RunIdentity& expected, const UnitLayout& units,
                                   const std::vector<size_t>& coefficients_per_cell) {
  CheckpointLog log;
  std::vector<std::pair<size_t, Frame>> frames;
  size_t offset = 0;
  try {
    log.complete_bytes = split_frames(bytes, frames);
    for (const auto& [at, f] : frames) {
      offset = at;
      if ((at == 0) != (f.kind == kHeaderKind)) throw MalformedRecord("a log must start with its one header");
      if (f.kind == kHeaderKind) {
        decode_header(f.payload, log.identity, log.shard);
        require_same_run(log.identity, expected, dir);
        log.has_header = true;
        continue;
      }
      UnitRecord record = decode_unit(f.payload);
      check_unit(record, units, coefficients_per_cell);
      log.records.push_back(std::move(record));
    }
  } catch (const MalformedRecord& e) {
    throw UserError(label + ": damaged checkpoint record at byte " + std::to_string(offset) + " (" + e.what() +
                    "); delete " + checkpoint_folder(dir).string() + " or run with --restart to start over");
  }
  return log;
}

CheckpointContents read_checkpoint(const std::string& dir, const RunIdentity& expected,
                                   const UnitLayout& units,
                                   const std::vector<size_t>& coefficients_per_cell, bool repair) {
  CheckpointContents contents;
  const fs::path folder = checkpoint_folder(dir);
  if (!fs::is_directory(folder)) return contents;
  std::map<size_t, std::string> recorded_in;
  std::string identity_source;
  for (const fs::path& path : log_files(folder)) {
    const std::string bytes = read_whole_file(path);
    CheckpointLog log = parse_checkpoint_log(bytes, path.string(), dir, expected, units, coefficients_per_cell);
    if (log.has_header && !contents.exists) {
      contents.identity = log.identity;
      contents.shard = log.shard;
      contents.exists = true;
      identity_source = path.string();
    } else if (log.has_header && !(log.shard == contents.shard)) {
      throw UserError(path.string() + ": written for shard " + log.shard.text() + ", but " + identity_source +
                      " for shard " + contents.shard.text());
    }
    for (UnitRecord& record : log.records) {
      const auto [it, inserted] = recorded_in.emplace(record.unit, path.string());
      if (!inserted)
        throw UserError(path.string() + ": " + describe_unit(units.unit(record.unit)) + " is also recorded in " +
                        it->second + "; a checkpoint folder must hold each unit once");
      contents.records.push_back(std::move(record));
    }
    if (log.complete_bytes < bytes.size()) {  // only now that the rest of the log is known to be sound
      contents.warnings.push_back(path.string() + ": incomplete last record at byte " +
                                  std::to_string(log.complete_bytes) + " (an interrupted write); " +
                                  (repair ? "cut off, its work will be redone" : "ignored"));
      if (repair) fs::resize_file(path, log.complete_bytes);
    }
  }
  return contents;
}

std::pair<RunIdentity, ShardSpec> read_checkpoint_identity(const std::string& dir) {
  const fs::path folder = checkpoint_folder(dir);
  const std::vector<fs::path> logs = fs::is_directory(folder) ? log_files(folder) : std::vector<fs::path>{};
  if (logs.empty())
    throw UserError(dir + ": no checkpoint here (expected " + folder.string() + "/units-*.log from mrtsim run --out)");
  std::vector<std::pair<size_t, Frame>> frames;
  std::pair<RunIdentity, ShardSpec> found;
  try {
    split_frames(read_whole_file(logs.front()), frames);
    if (frames.empty() || frames.front().second.kind != kHeaderKind) throw MalformedRecord("no header");
    decode_header(frames.front().second.payload, found.first, found.second);
  } catch (const MalformedRecord& e) {
    throw UserError(logs.front().string() + ": damaged checkpoint header (" + e.what() + ")");
  }
  return found;
}

void require_same_run(const RunIdentity& found, const RunIdentity& expected, const std::string& dir) {
  const std::string advice = "; results of different runs are not mixed: use another --out folder, or --restart to "
                             "discard the checkpoint";
  if (found.engine_version != expected.engine_version)
    throw UserError(dir + ": checkpoint written by mrtsim " + found.engine_version + ", this is mrtsim " +
                    expected.engine_version + advice);
  if (found.study_text != expected.study_text)
    throw UserError(dir + ": the study file has changed since this checkpoint was written" + advice);
  if (found.seed != expected.seed)
    throw UserError(dir + ": checkpoint written with seed " + std::to_string(found.seed) + ", this run has seed " +
                    std::to_string(expected.seed) + advice);
  if (found.replicates != expected.replicates)
    throw UserError(dir + ": checkpoint written with " + std::to_string(found.replicates) +
                    " replicates per cell, this run has " + std::to_string(expected.replicates) + advice);
  if (found.replicates_per_unit != expected.replicates_per_unit)
    throw UserError(dir + ": checkpoint written with replicates_per_unit " + std::to_string(found.replicates_per_unit) +
                    ", this run has " + std::to_string(expected.replicates_per_unit) + advice);
}

void remove_checkpoint(const std::string& dir) { fs::remove_all(checkpoint_folder(dir)); }

CheckpointLock::CheckpointLock(const std::string& dir) {
  const fs::path folder = checkpoint_folder(dir);
  fs::create_directories(folder);
  const std::string path = (folder / "lock").string();
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw_os_error("cannot open", path);
  try {
    lock_or_explain(fd_, path, "another mrtsim run");
  } catch (...) {
    ::close(fd_);
    throw;
  }
}

CheckpointLock::~CheckpointLock() { ::close(fd_); }

CheckpointWriter::CheckpointWriter(const std::string& dir, int writer, const RunIdentity& identity,
                                   const ShardSpec& shard) {
  const fs::path folder = checkpoint_folder(dir);
  fs::create_directories(folder);
  path_ = (folder / ("units-" + std::to_string(writer) + ".log")).string();
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) throw_os_error("cannot open checkpoint log", path_);
  try {
    lock_or_explain(fd_, path_, "another mrtsim process");
    if (::lseek(fd_, 0, SEEK_END) == 0) {
      write_all(fd_, frame(kHeaderKind, header_payload(identity, shard)), path_);
      const int folder_fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (folder_fd >= 0) {  // make the new file's name durable too
        ::fsync(folder_fd);
        ::close(folder_fd);
      }
    }
  } catch (...) {
    ::close(fd_);
    throw;
  }
}

CheckpointWriter::~CheckpointWriter() { ::close(fd_); }

void CheckpointWriter::append(const std::vector<UnitRecord>& records) {
  if (!records.empty()) write_all(fd_, encode_unit_records(records), path_);
}

std::string encode_unit_records(const std::vector<UnitRecord>& records) {
  std::string bytes;
  for (const UnitRecord& r : records) bytes += frame(kUnitKind, unit_payload(r));
  return bytes;
}

std::vector<UnitRecord> decode_unit_records(const std::string& bytes) {
  std::vector<std::pair<size_t, Frame>> frames;
  if (split_frames(bytes, frames) != bytes.size()) throw std::runtime_error("unit records cut short in transit");
  std::vector<UnitRecord> records;
  for (const auto& f : frames) records.push_back(decode_unit(f.second.payload));
  return records;
}

}  // namespace mrtsim
