// Writes a corpus of generated histories (tests/lin/gen) for the benchmark
// against porcupine: CAS-register histories as etcd logs, kv histories as EDN
// maps, queue histories as weft JSON lines, with a manifest of each file's
// workload and expected verdict.
//
//   weft_lin_corpus OUT_DIR [--seed=1] [--per_kind=40]
//
// Workloads are drawn from the seed: 5-50 clients, 50-5,000 operations
// (log-uniform), 0-40% unknown outcomes, narrow or wide values, sometimes
// long read-only phases; half of the histories get an anomaly injected early
// or late. The same seed gives the same files.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "flag_args.h"
#include "gen/anomaly.h"
#include "gen/log_text.h"
#include "gen/workload.h"
#include "weft/base/rng.h"

ABSL_FLAG(std::uint64_t, seed, 1, "seed of the corpus; the same seed writes the same files");
ABSL_FLAG(int, per_kind, 40, "histories per kind (register, kv, queue)");

namespace {

using namespace weft::lin::gen;

Workload draw(Kind kind, std::uint64_t seed) {
  weft::detail::Rng rng(seed);
  Workload w;
  w.kind = kind;
  w.seed = seed;
  w.clients = 5 + static_cast<int>(rng.below(46));
  const double log_ops = std::log(50.0) + (std::log(5000.0) - std::log(50.0)) * rng.below(10001) / 10000.0;
  w.operations = static_cast<int>(std::lround(std::exp(log_ops)));
  w.unknown_percent = static_cast<int>(rng.below(41));
  w.values = rng.chance(1, 2) ? 5 : 1'000'000;
  w.keys = 1 + static_cast<int>(rng.below(10));
  w.read_runs = rng.chance(1, 3);
  if (rng.chance(1, 2)) {
    switch (kind) {
      case Kind::kRegister: {
        const Anomaly kinds[] = {Anomaly::kStaleRead, Anomaly::kLostWrite, Anomaly::kWrongCas};
        w.anomaly = kinds[rng.below(3)];
        break;
      }
      case Kind::kKv:
        w.anomaly = rng.chance(1, 2) ? Anomaly::kStaleRead : Anomaly::kLostWrite;
        break;
      case Kind::kQueue:
        w.anomaly = Anomaly::kDuplicateDequeue;
        break;
    }
    w.anomaly_at = rng.chance(1, 2) ? 0.1 : 0.9;
  }
  return w;
}

}  // namespace

int main(int argc, char** argv) {
  // Bad arguments exit 2 with a message (absl::ParseCommandLine would exit 1).
  auto args = weft::tool::parse_flag_args({argv + 1, argv + argc}, {"seed", "per_kind"});
  const char* usage = "usage: weft_lin_corpus OUT_DIR [--seed=N] [--per_kind=N (at least 1)]\n";
  if (!args.ok()) {
    std::fprintf(stderr, "weft_lin_corpus: %s\n%s", std::string(args.status().message()).c_str(), usage);
    return 2;
  }
  const int per_kind = absl::GetFlag(FLAGS_per_kind);
  if (args->size() != 1 || per_kind < 1) {
    std::fprintf(stderr, "weft_lin_corpus: %s\n%s",
                 args->size() != 1 ? "expected one output folder" : "--per_kind must be at least 1", usage);
    return 2;
  }
  const std::filesystem::path out = (*args)[0];
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  if (ec) {
    std::fprintf(stderr, "weft_lin_corpus: cannot create %s: %s\n", out.c_str(), ec.message().c_str());
    return 2;
  }
  std::ofstream manifest(out / "manifest.tsv");
  manifest << "file\tmodel\texpected\tclients\toperations\tunknown_percent\tvalues\tread_runs\tanomaly\tat\twhy\n";
  const std::uint64_t seed = absl::GetFlag(FLAGS_seed);
  int counts[3] = {0, 0, 0};
  for (Kind kind : {Kind::kRegister, Kind::kKv, Kind::kQueue}) {
    for (int i = 0; i < per_kind; ++i) {
      Workload w = draw(kind, weft::detail::mix_seed(seed, static_cast<std::uint64_t>(kind) * 100'000 + i));
      History h = simulate(w);
      inject(h, w);
      const std::string name = absl::StrFormat(
          "%s-%03d-c%d-n%d-u%d-%s%s-%s%s.%s", kind_name(kind), i, w.clients, w.operations, w.unknown_percent,
          w.values > 1000 ? "wide" : "narrow", w.read_runs ? "-runs" : "", anomaly_name(w.anomaly),
          w.anomaly == Anomaly::kNone ? "" : (w.anomaly_at < 0.5 ? "-early" : "-late"), file_extension(kind));
      std::ofstream(out / name) << log_text(h);
      manifest << name << "\t" << model_name(kind) << "\t" << expected_name(h.expected) << "\t" << w.clients << "\t"
               << w.operations << "\t" << w.unknown_percent << "\t" << w.values << "\t" << w.read_runs << "\t"
               << anomaly_name(w.anomaly) << "\t" << w.anomaly_at << "\t" << h.reason << "\n";
      ++counts[static_cast<int>(h.expected)];
    }
  }
  if (!manifest) {
    std::fprintf(stderr, "weft_lin_corpus: cannot write %s\n", (out / "manifest.tsv").c_str());
    return 2;
  }
  std::printf("%s: %d histories (%d linearizable, %d not linearizable by construction, %d undecided)\n", out.c_str(),
              3 * per_kind, counts[0], counts[1], counts[2]);
  return 0;
}
