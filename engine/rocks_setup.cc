#include "engine/rocks_setup.h"

#include <rocksdb/env.h>
#include <rocksdb/listener.h>
#include <spdlog/spdlog.h>

#include <cstdarg>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "engine/coding.h"

namespace ledger {
namespace {

// Warnings and errors to spdlog; RocksDB's informational chatter is dropped.
class SpdlogRocksLogger final : public rocksdb::Logger {
 public:
  explicit SpdlogRocksLogger(std::string name)
      : rocksdb::Logger(rocksdb::InfoLogLevel::WARN_LEVEL), name_(std::move(name)) {}

  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    Logv(rocksdb::InfoLogLevel::INFO_LEVEL, format, ap);
  }
  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override {
    // HEADER_LEVEL (the options dump at open) ranks above FATAL: not an error.
    if (level < GetInfoLogLevel() || level == rocksdb::InfoLogLevel::HEADER_LEVEL) return;
    char text[1024];
    std::vsnprintf(text, sizeof text, format, ap);
    const auto spd = level >= rocksdb::InfoLogLevel::ERROR_LEVEL ? spdlog::level::err
                                                                 : spdlog::level::warn;
    spdlog::log(spd, "rocksdb {}: {}", name_, text);
  }

 private:
  const std::string name_;
};

class ManualRecovery final : public rocksdb::EventListener {
 public:
  void OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason, rocksdb::Status,
                            bool* auto_recovery) override {
    *auto_recovery = false;
  }
};

}  // namespace

void ConfigureRocks(rocksdb::Options* options, std::string name) {
  options->info_log = std::make_shared<SpdlogRocksLogger>(std::move(name));
  options->listeners.push_back(std::make_shared<ManualRecovery>());
}

Result<std::unique_ptr<rocksdb::DB>> OpenRocks(const rocksdb::Options& options,
                                               const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return Status::IoError("cannot create " + path + ": " + ec.message());
  rocksdb::DB* raw = nullptr;
  LEDGER_RETURN_IF_ERROR(FromRocks(rocksdb::DB::Open(options, path, &raw)));
  return std::unique_ptr<rocksdb::DB>(raw);
}

}  // namespace ledger
