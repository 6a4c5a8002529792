#include "api/tokens.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>

#include "events/codec.h"

namespace ledger::api {
namespace {

constexpr std::string_view kBearerPrefix = "ldg_";
constexpr std::string_view kIdPrefix = "tok_";
constexpr size_t kIdRandomBytes = 8;       // 16 hex digits
constexpr size_t kSecretRandomBytes = 32;  // 64 hex digits

bool IsLowerHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

Result<std::string> RandomHex(size_t bytes) {
  unsigned char raw[64];
  LEDGER_ASSERT(bytes <= sizeof raw);
  if (RAND_bytes(raw, static_cast<int>(bytes)) != 1) return Status::Internal("no randomness");
  return events::ToHex(raw, bytes);
}

Status Errno(const std::string& what) {
  return Status::IoError(fmt::format("{}: {}", what, std::strerror(errno)));
}

// Reads a key file: not_found if there is none.
Result<std::string> ReadKeyFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound(path + " does not exist");
    return Errno("cannot open " + path);
  }
  struct stat st {};
  if (fstat(fd, &st) == 0 && (st.st_mode & 077) != 0) {
    spdlog::warn("{} can be read by other users than its owner; chmod 600 it", path);
  }
  std::string key(TokenKey::kBytes + 1, '\0');
  ssize_t n;
  do {
    n = read(fd, key.data(), key.size());
  } while (n < 0 && errno == EINTR);
  close(fd);
  if (n < 0) return Errno("cannot read " + path);
  if (static_cast<size_t>(n) != TokenKey::kBytes) {
    return Status::Corruption(fmt::format("{} must hold exactly {} bytes", path, TokenKey::kBytes));
  }
  key.resize(TokenKey::kBytes);
  return key;
}

// Writes a new random key aside, makes it durable, then links it into
// place: the link fails if another process was first, and its key stays.
Status CreateKeyFile(const std::string& path) {
  unsigned char key[TokenKey::kBytes];
  if (RAND_bytes(key, sizeof key) != 1) return Status::Internal("no randomness");
  auto suffix = RandomHex(8);
  if (!suffix.ok()) return suffix.status();
  const std::string aside = path + ".new-" + *suffix;
  int fd = open(aside.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("cannot create " + aside);
  const bool written = write(fd, key, sizeof key) == static_cast<ssize_t>(sizeof key) &&
                       fsync(fd) == 0;
  Status s = written ? Status::Ok() : Errno("cannot write " + aside);
  close(fd);
  if (s.ok() && link(aside.c_str(), path.c_str()) != 0 && errno != EEXIST) {
    s = Errno("cannot create " + path);
  }
  unlink(aside.c_str());
  if (!s.ok()) return s;
  // The new name is durable once its directory is.
  std::string dir = std::filesystem::path(path).parent_path().string();
  int dfd = open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return Errno("cannot open the directory of " + path);
  const bool synced = fsync(dfd) == 0;
  close(dfd);
  return synced ? Status::Ok() : Errno("cannot sync the directory of " + path);
}

}  // namespace

Result<NewToken> GenerateToken() {
  auto id = RandomHex(kIdRandomBytes);
  if (!id.ok()) return id.status();
  auto secret = RandomHex(kSecretRandomBytes);
  if (!secret.ok()) return secret.status();
  NewToken t;
  t.id = std::string(kIdPrefix) + *id;
  t.bearer = std::string(kBearerPrefix) + t.id + "_" + *secret;
  return t;
}

std::optional<std::string_view> TokenIdOf(std::string_view bearer) {
  constexpr size_t kIdSize = kIdPrefix.size() + 2 * kIdRandomBytes;
  constexpr size_t kSize = kBearerPrefix.size() + kIdSize + 1 + 2 * kSecretRandomBytes;
  if (bearer.size() != kSize || !bearer.starts_with(kBearerPrefix)) return std::nullopt;
  std::string_view id = bearer.substr(kBearerPrefix.size(), kIdSize);
  std::string_view secret = bearer.substr(kBearerPrefix.size() + kIdSize + 1);
  if (!id.starts_with(kIdPrefix) || !IsLowerHex(id.substr(kIdPrefix.size())) ||
      bearer[kBearerPrefix.size() + kIdSize] != '_' || !IsLowerHex(secret)) {
    return std::nullopt;
  }
  return id;
}

bool SameDigest(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Result<TokenKey> TokenKey::LoadOrCreate(const std::string& path) {
  auto key = ReadKeyFile(path);
  if (key.status().IsNotFound()) {
    LEDGER_RETURN_IF_ERROR(CreateKeyFile(path));
    spdlog::info("created the token key {}", path);
    key = ReadKeyFile(path);
  }
  if (!key.ok()) return key.status();
  return TokenKey(std::move(key.value()));
}

std::string TokenKey::Digest(std::string_view bearer) const {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  LEDGER_ASSERT(HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
                     reinterpret_cast<const unsigned char*>(bearer.data()), bearer.size(), out,
                     &size) != nullptr &&
                size == 32);
  return std::string(reinterpret_cast<const char*>(out), size);
}

void TokenUsage::Record(std::string_view token_id, int64_t now_us) {
  {
    std::shared_lock lock(mu_);
    auto it = last_used_us_.find(std::string(token_id));
    if (it != last_used_us_.end()) {
      // Within the resolution, the shared cache line is left alone.
      std::atomic<int64_t>& last = *it->second;
      if (now_us - last.load(std::memory_order_relaxed) >= kResolutionUs) {
        last.store(now_us, std::memory_order_relaxed);
      }
      return;
    }
  }
  std::unique_lock lock(mu_);
  auto& slot = last_used_us_[std::string(token_id)];
  if (!slot) slot = std::make_unique<std::atomic<int64_t>>(now_us);
}

std::optional<int64_t> TokenUsage::LastUsed(std::string_view token_id) const {
  std::shared_lock lock(mu_);
  auto it = last_used_us_.find(std::string(token_id));
  if (it == last_used_us_.end()) return std::nullopt;
  return it->second->load(std::memory_order_relaxed);
}

}  // namespace ledger::api
