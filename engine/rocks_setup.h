// How ledgerd runs RocksDB (the local log and the state store) so that a
// storage fault is an error status, never a crash.
//
// - Diagnostics go through spdlog, not RocksDB's `LOG` file in the data
//   directory. On a full disk that file's write fails, and Debian's RocksDB
//   (built with assertions) aborts the process on the next message to it
//   (`WritableFileWriter::AssertFalseAndGetStatusForPrevError`).
// - RocksDB's own recovery from a full disk is turned off: it waits for
//   free space of a whole write buffer (64 MiB) and, meanwhile, refuses a
//   manual DB::Resume() as "busy". The engine resumes instead, by itself, as
//   soon as a write can succeed (engine.h, "Storage faults").
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/options.h>

#include <memory>
#include <string>

#include "events/status.h"

namespace ledger {

// Applies the above to the options of the database `name` ("log", "store").
void ConfigureRocks(rocksdb::Options* options, std::string name);

// Opens (creating if missing) the database at `path` with `options`. The
// directory is made first: RocksDB reports a missing one as an error line
// even when it is about to create it.
Result<std::unique_ptr<rocksdb::DB>> OpenRocks(const rocksdb::Options& options,
                                               const std::string& path);

}  // namespace ledger
