#include "engine/attachments.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "events/codec.h"

namespace ledger {
namespace {

Status WriteFully(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IoError(std::string("write: ") + std::strerror(errno));
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Status SyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return Status::IoError("open " + dir + ": " + std::strerror(errno));
  int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? Status::Ok() : Status::IoError("fsync " + dir + ": " + std::strerror(errno));
}

}  // namespace

bool IsSha256Hex(std::string_view s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

Result<std::unique_ptr<AttachmentStore>> AttachmentStore::Open(std::string dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError("cannot create " + dir + ": " + ec.message());
  return std::unique_ptr<AttachmentStore>(new AttachmentStore(std::move(dir)));
}

std::string AttachmentStore::PathOf(const std::string& sha256) const {
  return dir_ + "/" + sha256.substr(0, 2) + "/" + sha256;
}

Result<std::string> AttachmentStore::Put(std::string_view bytes) {
  std::string digest = events::Sha256Hex(bytes);
  const std::string path = PathOf(digest);
  if (std::filesystem::exists(path)) return digest;
  const std::string sub = dir_ + "/" + digest.substr(0, 2);
  std::error_code ec;
  std::filesystem::create_directories(sub, ec);
  if (ec) return Status::IoError("cannot create " + sub + ": " + ec.message());
  static std::atomic<uint64_t> seq{0};
  const std::string tmp = path + ".tmp" + std::to_string(::getpid()) + "." + std::to_string(++seq);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return Status::IoError("open " + tmp + ": " + std::strerror(errno));
  Status s = WriteFully(fd, bytes);
  if (s.ok() && ::fsync(fd) != 0) s = Status::IoError(std::string("fsync: ") + std::strerror(errno));
  ::close(fd);
  if (s.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) {
    s = Status::IoError(std::string("rename: ") + std::strerror(errno));
  }
  if (!s.ok()) {
    ::unlink(tmp.c_str());
    return s;
  }
  LEDGER_RETURN_IF_ERROR(SyncDir(sub));
  return digest;
}

bool AttachmentStore::Exists(const std::string& sha256) const {
  return IsSha256Hex(sha256) && std::filesystem::exists(PathOf(sha256));
}

Result<std::string> AttachmentStore::Get(const std::string& sha256) const {
  if (!IsSha256Hex(sha256)) return Status::Malformed("not a lowercase hex SHA-256");
  std::ifstream in(PathOf(sha256), std::ios::binary);
  if (!in) return Status::NotFound("no attachment " + sha256);
  std::ostringstream buf;
  buf << in.rdbuf();
  std::string bytes = std::move(buf).str();
  if (events::Sha256Hex(bytes) != sha256) {
    return Status::Corruption("attachment " + sha256 + " no longer matches its digest");
  }
  return bytes;
}

}  // namespace ledger
