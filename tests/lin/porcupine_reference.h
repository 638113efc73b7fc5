// Expected verdicts for porcupine's test data (../shared/data/porcupine), and
// porcupine v1.3.0's time per etcd file on this machine class, both from that
// folder's README. Shared by the verdict check and the benchmark.
#pragma once

#include <array>

#include "absl/strings/string_view.h"

namespace weft::lin::porcupine {

struct EtcdFile {
  absl::string_view name;
  bool linearizable;
  double porcupine_ms;
};

// etcd_095.log is left out: it is empty (that cluster never started).
inline constexpr std::array<EtcdFile, 102> kEtcdFiles = {{
    {"etcd_000.log", false, 0.305},  {"etcd_001.log", false, 0.311},  {"etcd_002.log", true, 169.347},
    {"etcd_003.log", false, 0.169},  {"etcd_004.log", false, 0.107},  {"etcd_005.log", true, 0.204},
    {"etcd_006.log", false, 0.148},  {"etcd_007.log", true, 102.883}, {"etcd_008.log", false, 0.085},
    {"etcd_009.log", false, 0.116},  {"etcd_010.log", false, 0.098},  {"etcd_011.log", false, 0.195},
    {"etcd_012.log", false, 0.121},  {"etcd_013.log", false, 0.095},  {"etcd_014.log", false, 0.101},
    {"etcd_015.log", false, 0.217},  {"etcd_016.log", false, 0.129},  {"etcd_017.log", false, 0.136},
    {"etcd_018.log", true, 0.645},   {"etcd_019.log", false, 0.315},  {"etcd_020.log", false, 0.165},
    {"etcd_021.log", false, 0.109},  {"etcd_022.log", false, 0.115},  {"etcd_023.log", false, 0.200},
    {"etcd_024.log", false, 0.140},  {"etcd_025.log", true, 0.129},   {"etcd_026.log", false, 0.101},
    {"etcd_027.log", false, 0.102},  {"etcd_028.log", false, 0.125},  {"etcd_029.log", false, 0.174},
    {"etcd_030.log", false, 0.092},  {"etcd_031.log", true, 0.105},   {"etcd_032.log", false, 0.101},
    {"etcd_033.log", false, 0.112},  {"etcd_034.log", false, 0.116},  {"etcd_035.log", false, 0.085},
    {"etcd_036.log", false, 0.095},  {"etcd_037.log", false, 0.201},  {"etcd_038.log", true, 0.114},
    {"etcd_039.log", false, 0.140},  {"etcd_040.log", false, 10.885}, {"etcd_041.log", false, 0.078},
    {"etcd_042.log", false, 0.119},  {"etcd_043.log", false, 0.076},  {"etcd_044.log", false, 0.308},
    {"etcd_045.log", true, 0.105},   {"etcd_046.log", false, 0.079},  {"etcd_047.log", false, 0.143},
    {"etcd_048.log", true, 0.147},   {"etcd_049.log", true, 0.114},   {"etcd_050.log", false, 0.071},
    {"etcd_051.log", true, 0.181},   {"etcd_052.log", false, 0.113},  {"etcd_053.log", true, 2.292},
    {"etcd_054.log", false, 0.106},  {"etcd_055.log", false, 0.084},  {"etcd_056.log", true, 0.259},
    {"etcd_057.log", false, 66.746}, {"etcd_058.log", false, 0.102},  {"etcd_059.log", false, 0.096},
    {"etcd_060.log", false, 0.156},  {"etcd_061.log", false, 0.280},  {"etcd_062.log", false, 0.066},
    {"etcd_063.log", false, 0.150},  {"etcd_064.log", false, 0.099},  {"etcd_065.log", false, 0.086},
    {"etcd_066.log", false, 0.117},  {"etcd_067.log", true, 0.112},   {"etcd_068.log", false, 0.091},
    {"etcd_069.log", false, 0.069},  {"etcd_070.log", false, 0.097},  {"etcd_071.log", false, 0.222},
    {"etcd_072.log", false, 0.103},  {"etcd_073.log", false, 0.492},  {"etcd_074.log", false, 0.075},
    {"etcd_075.log", true, 24.988},  {"etcd_076.log", true, 0.180},   {"etcd_077.log", false, 0.104},
    {"etcd_078.log", false, 0.124},  {"etcd_079.log", false, 0.164},  {"etcd_080.log", true, 10.399},
    {"etcd_081.log", false, 0.075},  {"etcd_082.log", false, 0.117},  {"etcd_083.log", false, 0.087},
    {"etcd_084.log", false, 0.113},  {"etcd_085.log", false, 2.491},  {"etcd_086.log", false, 0.103},
    {"etcd_087.log", true, 0.192},   {"etcd_088.log", false, 0.096},  {"etcd_089.log", false, 0.278},
    {"etcd_090.log", false, 0.087},  {"etcd_091.log", false, 0.108},  {"etcd_092.log", true, 0.116},
    {"etcd_093.log", false, 0.109},  {"etcd_094.log", false, 0.090},  {"etcd_096.log", false, 0.142},
    {"etcd_097.log", false, 2.484},  {"etcd_098.log", true, 0.927},   {"etcd_099.log", false, 65.382},
    {"etcd_100.log", true, 0.132},   {"etcd_101.log", true, 0.105},   {"etcd_102.log", true, 0.122},
}};

inline constexpr double kPorcupineTotalMs = 472;

struct KvFile {
  absl::string_view name;
  bool linearizable;
};

inline constexpr std::array<KvFile, 6> kKvFiles = {{
    {"c01-ok.txt", true},
    {"c01-bad.txt", false},
    {"c10-ok.txt", true},
    {"c10-bad.txt", false},
    {"c50-ok.txt", true},
    {"c50-bad.txt", false},
}};

}  // namespace weft::lin::porcupine
