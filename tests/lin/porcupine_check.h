// Checks every usable history in porcupine's test data against the verdicts
// its README lists (porcupine_reference.h). Shared by the GoogleTest suite
// and the stand-alone check that ci/check_porcupine.sh runs.
#pragma once

#include <filesystem>
#include <ostream>
#include <string>

#include "porcupine_reference.h"
#include "weft/lin/builtin.h"
#include "weft/lin/formats/parse.h"

namespace weft::lin::porcupine {

struct Tally {
  int checked = 0;
  int wrong = 0;  // wrong verdicts and unreadable files
};

inline void check_one(const std::string& path, const char* model, bool partition, bool expected, Tally& tally,
                      std::ostream& out) {
  ++tally.checked;
  auto raw = read_history_file(path);
  if (!raw.ok()) {
    ++tally.wrong;
    out << path << ": cannot read: " << raw.status().message() << "\n";
    return;
  }
  CheckOptions options;
  options.explain = false;
  options.time_limit = absl::Seconds(60);
  options.reductions.partition = partition;
  auto checked = check_raw(model, *raw, options);
  const char* want = expected ? "linearizable" : "NOT linearizable";
  if (!checked.ok()) {
    ++tally.wrong;
    out << path << ": " << checked.status().message() << "\n";
    return;
  }
  const bool ok = checked->result.verdict == (expected ? Verdict::kLinearizable : Verdict::kNotLinearizable);
  tally.wrong += !ok;
  out << (ok ? "ok    " : "WRONG ") << path << (partition ? "" : " (not partitioned)") << ": "
      << verdict_name(checked->result.verdict) << ", expected " << want << "\n";
}

// thorough: also the c50 files, and c10 without partitioning (each takes
// up to a second in a release build, far more under sanitizers).
inline Tally check_folder(const std::filesystem::path& dir, std::ostream& out, bool thorough) {
  Tally tally;
  for (const EtcdFile& f : kEtcdFiles) {
    check_one((dir / "jepsen" / std::string(f.name)).string(), "cas-register", true, f.linearizable, tally, out);
  }
  for (const KvFile& f : kKvFiles) {
    const std::string path = (dir / "kv" / std::string(f.name)).string();
    if (!thorough && f.name.substr(0, 3) == "c50") continue;
    check_one(path, "kv", true, f.linearizable, tally, out);
    // As porcupine does, also without partitioning where that stays quick.
    const bool small = f.name.substr(0, 3) == "c01" || (thorough && f.name.substr(0, 3) == "c10");
    if (small) check_one(path, "kv", false, f.linearizable, tally, out);
  }
  return tally;
}

}  // namespace weft::lin::porcupine
