// Turns raw operations (JSON values, as parsed from a file) into the typed
// operations of the built-in models. A bad value is an InvalidArgument status
// with the file, the line and what the model expected there.
//
// Common rules: a :fail completion means the operation did not take effect,
// so it is dropped (nullopt), except for cas, where :fail is the answer
// "the values did not match". A :fail read carries no information and gets an
// unknown outcome. :info, or no completion, is an unknown outcome.
//
//   auto op = weft::lin::decode_register(raw.operations[0], raw.source);
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "weft/lin/formats/raw_history.h"
#include "weft/lin/model.h"
#include "weft/lin/models/collections.h"
#include "weft/lin/models/kv.h"
#include "weft/lin/models/register.h"

namespace weft::lin {

// Queue, stack and set values from files are arbitrary JSON, compared by
// their serialization ("3", "\"x\"").
using JsonQueueModel = QueueModel<std::string>;
using JsonStackModel = StackModel<std::string>;
using JsonSetModel = SetModel<std::string>;

template <class M>
using Decoded = absl::StatusOr<std::optional<OperationOf<M>>>;

Decoded<RegisterModel> decode_register(const RawOperation& op, const std::string& source);
Decoded<KvModel> decode_kv(const RawOperation& op, const std::string& source);
Decoded<JsonQueueModel> decode_queue(const RawOperation& op, const std::string& source);
Decoded<JsonStackModel> decode_stack(const RawOperation& op, const std::string& source);
Decoded<JsonSetModel> decode_set(const RawOperation& op, const std::string& source);
Decoded<CounterModel> decode_counter(const RawOperation& op, const std::string& source);

}  // namespace weft::lin
