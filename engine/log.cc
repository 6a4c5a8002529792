#include "engine/log.h"

#include <charconv>

namespace ledger {

uint32_t LogLayout::PartitionFor(Topic topic, std::string_view stream_id) const {
  // FNV-1a: stable across builds and platforms, unlike std::hash.
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : stream_id) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return static_cast<uint32_t>(topic) * partitions_per_topic +
         static_cast<uint32_t>(h % partitions_per_topic);
}

std::string LogLayout::PartitionName(uint32_t partition) const {
  return std::string(kTopicNames[static_cast<size_t>(TopicOf(partition))]) + "/" +
         std::to_string(IndexInTopic(partition));
}

std::string EncodeCursor(const LogCursor& c) {
  std::string out;
  for (size_t i = 0; i < c.size(); ++i) {
    if (i) out += '.';
    out += std::to_string(c[i]);
  }
  return out;
}

Result<LogCursor> DecodeCursor(std::string_view text, uint32_t partition_count) {
  if (text == "0") return LogCursor(partition_count, 0);
  LogCursor c;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t dot = text.find('.', pos);
    if (dot == std::string_view::npos) dot = text.size();
    uint64_t v = 0;
    auto part = text.substr(pos, dot - pos);
    auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    if (ec != std::errc() || p != part.data() + part.size() || part.empty()) {
      return Status::Malformed("bad cursor");
    }
    c.push_back(v);
    pos = dot + 1;
  }
  if (c.size() != partition_count) return Status::Malformed("bad cursor");
  return c;
}

Status CorruptionStatus(const LogLayout& layout, uint32_t partition, uint64_t offset,
                        const std::string& why) {
  return Status(Errc::kCorruption,
                "record " + layout.PartitionName(partition) + "@" + std::to_string(offset) + ": " +
                    why,
                "", {{"partition", std::to_string(partition)}, {"offset", std::to_string(offset)}});
}

uint64_t CursorTotal(const LogCursor& c) {
  uint64_t t = 0;
  for (uint64_t v : c) t += v;
  return t;
}

}  // namespace ledger
