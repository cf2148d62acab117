#pragma once
// Vectors of 8-byte numbers must start on an 8-byte boundary. flatbuffers'
// verifier (Debian's 2.0.8) checks the alignment of a vector's 4-byte length
// but not of its elements, and the generated accessors then load int64 and
// double elements in place: on a crafted file that is a misaligned load, which
// C++ does not allow (the compiler may assume alignment when it vectorizes).
// Every flatbuffers builder aligns these vectors, so one that is not aligned
// marks a corrupt file.
#include <cstddef>
#include <cstdint>
#include <optional>

#include <flatbuffers/flatbuffers.h>

namespace tfd {

// Walks the tables reachable from `root_table` (described by `type`, flatc's
// mini-reflection of the schema) in a buffer the verifier has accepted and
// returns the byte offset from `buffer` of the first vector of 8-byte numbers
// whose elements are not 8-byte aligned in memory; nullopt if there is none.
std::optional<size_t> FindMisalignedVector(const uint8_t* buffer, const uint8_t* root_table,
                                           const flatbuffers::TypeTable* type);

}  // namespace tfd
