// InputFile and OutputFile: the byte-level contract every format reader and writer uses,
// so that the same Parquet code reads a local file, an object in S3 or a test buffer.
// Layer: io. Reads are random access and thread-safe; writes are append-only and become
// visible at their final path only when close() succeeds (atomic create).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "base/buffer.h"

namespace floe::io {

class InputFile {
 public:
  virtual ~InputFile() = default;
  virtual const std::string& path() const = 0;
  virtual uint64_t size() const = 0;
  // Returns `length` bytes at `offset`. The span stays valid while the file object lives
  // (memory-mapped or cached); throws IoError or CorruptDataError if out of range.
  virtual std::span<const uint8_t> read_at(uint64_t offset, uint64_t length) = 0;
  // Copies `length` bytes at `offset` into `dst`, for readers that stream through a file
  // and need nothing kept (a remote file fetches them without caching). Same errors as
  // read_at; thread-safe.
  virtual void read_into(uint64_t offset, uint64_t length, void* dst);
};

class OutputFile {
 public:
  virtual ~OutputFile() = default;
  virtual const std::string& path() const = 0;
  virtual void write(const void* data, size_t size) = 0;
  virtual uint64_t position() const = 0;
  // Flushes, syncs and publishes the file at its path. Throws IoError on failure.
  virtual void close() = 0;
};

// A local file, memory-mapped for reading. Throws IoError naming the path.
std::unique_ptr<InputFile> open_local_input(const std::string& path);
// A local file written to a temporary name beside `path` and renamed into place by
// close(); a writer that dies leaves no partial file at `path`.
std::unique_ptr<OutputFile> create_local_output(const std::string& path);
// In-memory input over bytes the caller keeps alive (tests, fuzzing).
std::unique_ptr<InputFile> open_memory_input(std::span<const uint8_t> bytes,
                                             std::string name = "<memory>");
// In-memory output whose bytes are appended to `sink` on close.
std::unique_ptr<OutputFile> create_memory_output(Buffer* sink, std::string name = "<memory>");

}  // namespace floe::io
