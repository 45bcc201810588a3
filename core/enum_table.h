// One name <-> value table per enum, used wherever the enum meets text (YAML keys, command-line
// options, table columns, checkpoint and JSON output), so every spelling and every "expected ..."
// list comes from one place. Host code only.
#pragma once

#include <array>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/user_error.h"

namespace mrtsim {

template <class Enum>
struct EnumName {
  Enum value;
  const char* name;
};

template <class Enum, size_t N>
class EnumTable {
 public:
  constexpr explicit EnumTable(std::array<EnumName<Enum>, N> entries) : entries_(entries) {}

  // The name of `value`; every value of the enum must be in the table.
  const char* name(Enum value) const {
    for (const EnumName<Enum>& e : entries_)
      if (e.value == value) return e.name;
    throw std::logic_error("EnumTable: a value has no name");
  }

  // The value named `text`, or false.
  bool find(std::string_view text, Enum& value) const {
    for (const EnumName<Enum>& e : entries_) {
      if (text == e.name) {
        value = e.value;
        return true;
      }
    }
    return false;
  }

  // The value named `text`; a UserError "<where>: unknown <what> '<text>' (expected a, b or c)".
  Enum parse(std::string_view text, const std::string& where, const std::string& what) const {
    Enum value{};
    if (!find(text, value))
      throw UserError(where + ": unknown " + what + " '" + std::string(text) + "' (expected " + expected() + ")");
    return value;
  }

  // "a, b or c".
  std::string expected() const {
    std::string list;
    for (size_t i = 0; i < N; ++i) list += std::string(i == 0 ? "" : (i + 1 == N ? " or " : ", ")) + entries_[i].name;
    return list;
  }

  const std::array<EnumName<Enum>, N>& entries() const { return entries_; }

 private:
  std::array<EnumName<Enum>, N> entries_;
};

// Deduces N: `constexpr auto kColorNames = make_enum_table<Color>({{{Color::kRed, "red"}, ...}});`
template <class Enum, size_t N>
constexpr EnumTable<Enum, N> make_enum_table(const EnumName<Enum> (&entries)[N]) {
  std::array<EnumName<Enum>, N> table{};
  for (size_t i = 0; i < N; ++i) table[i] = entries[i];
  return EnumTable<Enum, N>(table);
}

}  // namespace mrtsim
