#include "format/vector_alignment.h"

#include <flatbuffers/minireflect.h>

namespace tfd {
namespace {

bool IsEightByteNumber(flatbuffers::ElementaryType type) {
  return type == flatbuffers::ET_LONG || type == flatbuffers::ET_ULONG || type == flatbuffers::ET_DOUBLE;
}

// Follows a uoffset field to what it points at.
const uint8_t* Deref(const uint8_t* field) { return field + flatbuffers::ReadScalar<flatbuffers::uoffset_t>(field); }

class Walker {
 public:
  explicit Walker(const uint8_t* buffer) : buffer_(buffer) {}

  // The verifier has bounded the depth (64) and the number of tables, and
  // this walk visits no more than it did.
  bool Table(const uint8_t* table, const flatbuffers::TypeTable* type) {
    const auto* t = reinterpret_cast<const flatbuffers::Table*>(table);
    const uint8_t* previous = nullptr;  // a union's value follows its type field
    for (size_t i = 0; i < type->num_elems; ++i) {
      const flatbuffers::TypeCode code = type->type_codes[i];
      const auto elementary = static_cast<flatbuffers::ElementaryType>(code.base_type);
      const uint8_t* field = t->GetAddressOf(flatbuffers::FieldIndexToOffset(static_cast<flatbuffers::voffset_t>(i)));
      const flatbuffers::TypeTable* ref = code.sequence_ref >= 0 ? type->type_refs[code.sequence_ref]() : nullptr;
      if (field != nullptr && !Field(field, elementary, code.is_repeating != 0, ref, previous)) return false;
      previous = field;
    }
    return true;
  }

  size_t misaligned_at() const { return misaligned_at_; }

 private:
  bool Field(const uint8_t* field, flatbuffers::ElementaryType elementary, bool repeating,
             const flatbuffers::TypeTable* ref, const uint8_t* union_type) {
    if (repeating) {
      const auto* vec = reinterpret_cast<const flatbuffers::Vector<uint8_t>*>(Deref(field));
      if (IsEightByteNumber(elementary)) {
        if (vec->size() > 0 && reinterpret_cast<uintptr_t>(vec->Data()) % 8 != 0) {
          misaligned_at_ = static_cast<size_t>(vec->Data() - buffer_);
          return false;
        }
        return true;
      }
      // Vectors of tables; the model schema has no vectors of unions or of
      // structs with 8-byte members.
      if (elementary != flatbuffers::ET_SEQUENCE || ref == nullptr || ref->st != flatbuffers::ST_TABLE) return true;
      for (flatbuffers::uoffset_t j = 0; j < vec->size(); ++j) {
        const uint8_t* element = vec->Data() + j * sizeof(flatbuffers::uoffset_t);
        if (!Table(Deref(element), ref)) return false;
      }
      return true;
    }
    if (elementary != flatbuffers::ET_SEQUENCE || ref == nullptr) return true;
    if (ref->st == flatbuffers::ST_TABLE) return Table(Deref(field), ref);
    if (ref->st == flatbuffers::ST_UNION && union_type != nullptr) {
      const uint8_t member = *union_type;
      for (size_t k = 0; k < ref->num_elems; ++k) {
        const int64_t value = ref->values != nullptr ? ref->values[k] : static_cast<int64_t>(k);
        if (value != member) continue;
        const flatbuffers::TypeCode code = ref->type_codes[k];
        if (code.base_type != flatbuffers::ET_SEQUENCE || code.sequence_ref < 0) return true;
        const flatbuffers::TypeTable* table = ref->type_refs[code.sequence_ref]();
        return table->st != flatbuffers::ST_TABLE || Table(Deref(field), table);
      }
    }
    return true;
  }

  const uint8_t* buffer_;
  size_t misaligned_at_ = 0;
};

}  // namespace

std::optional<size_t> FindMisalignedVector(const uint8_t* buffer, const uint8_t* root_table,
                                           const flatbuffers::TypeTable* type) {
  Walker walker(buffer);
  if (walker.Table(root_table, type)) return std::nullopt;
  return walker.misaligned_at();
}

}  // namespace tfd
