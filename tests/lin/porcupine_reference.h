// Expected verdicts for porcupine's test data (../shared/data/porcupine), from
// that folder's README. Shared by the verdict check and the benchmark
// (bench/lin/lin_compare.cc, which times porcupine itself in the same run).
#pragma once

#include <array>

#include "absl/strings/string_view.h"

namespace weft::lin::porcupine {

struct EtcdFile {
  absl::string_view name;
  bool linearizable;
};

// etcd_095.log is left out: it is empty (that cluster never started).
inline constexpr std::array<EtcdFile, 102> kEtcdFiles = {{
    {"etcd_000.log", false}, {"etcd_001.log", false}, {"etcd_002.log", true},  {"etcd_003.log", false},
    {"etcd_004.log", false}, {"etcd_005.log", true},  {"etcd_006.log", false}, {"etcd_007.log", true},
    {"etcd_008.log", false}, {"etcd_009.log", false}, {"etcd_010.log", false}, {"etcd_011.log", false},
    {"etcd_012.log", false}, {"etcd_013.log", false}, {"etcd_014.log", false}, {"etcd_015.log", false},
    {"etcd_016.log", false}, {"etcd_017.log", false}, {"etcd_018.log", true},  {"etcd_019.log", false},
    {"etcd_020.log", false}, {"etcd_021.log", false}, {"etcd_022.log", false}, {"etcd_023.log", false},
    {"etcd_024.log", false}, {"etcd_025.log", true},  {"etcd_026.log", false}, {"etcd_027.log", false},
    {"etcd_028.log", false}, {"etcd_029.log", false}, {"etcd_030.log", false}, {"etcd_031.log", true},
    {"etcd_032.log", false}, {"etcd_033.log", false}, {"etcd_034.log", false}, {"etcd_035.log", false},
    {"etcd_036.log", false}, {"etcd_037.log", false}, {"etcd_038.log", true},  {"etcd_039.log", false},
    {"etcd_040.log", false}, {"etcd_041.log", false}, {"etcd_042.log", false}, {"etcd_043.log", false},
    {"etcd_044.log", false}, {"etcd_045.log", true},  {"etcd_046.log", false}, {"etcd_047.log", false},
    {"etcd_048.log", true},  {"etcd_049.log", true},  {"etcd_050.log", false}, {"etcd_051.log", true},
    {"etcd_052.log", false}, {"etcd_053.log", true},  {"etcd_054.log", false}, {"etcd_055.log", false},
    {"etcd_056.log", true},  {"etcd_057.log", false}, {"etcd_058.log", false}, {"etcd_059.log", false},
    {"etcd_060.log", false}, {"etcd_061.log", false}, {"etcd_062.log", false}, {"etcd_063.log", false},
    {"etcd_064.log", false}, {"etcd_065.log", false}, {"etcd_066.log", false}, {"etcd_067.log", true},
    {"etcd_068.log", false}, {"etcd_069.log", false}, {"etcd_070.log", false}, {"etcd_071.log", false},
    {"etcd_072.log", false}, {"etcd_073.log", false}, {"etcd_074.log", false}, {"etcd_075.log", true},
    {"etcd_076.log", true},  {"etcd_077.log", false}, {"etcd_078.log", false}, {"etcd_079.log", false},
    {"etcd_080.log", true},  {"etcd_081.log", false}, {"etcd_082.log", false}, {"etcd_083.log", false},
    {"etcd_084.log", false}, {"etcd_085.log", false}, {"etcd_086.log", false}, {"etcd_087.log", true},
    {"etcd_088.log", false}, {"etcd_089.log", false}, {"etcd_090.log", false}, {"etcd_091.log", false},
    {"etcd_092.log", true},  {"etcd_093.log", false}, {"etcd_094.log", false}, {"etcd_096.log", false},
    {"etcd_097.log", false}, {"etcd_098.log", true},  {"etcd_099.log", false}, {"etcd_100.log", true},
    {"etcd_101.log", true},  {"etcd_102.log", true},
}};

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
