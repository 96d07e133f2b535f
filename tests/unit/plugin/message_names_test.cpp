// Dispatch goes by message type id: the registry refuses two C++ message
// types under one name, naming both, rather than let one reach the other's
// handler; and an unregistered class is named when it is created.
#include <gtest/gtest.h>

#include <string>

#include "kairos/actor/actor.hpp"
#include "kairos/actor/registration.hpp"
#include "kairos/core/error.hpp"
#include "plugin/registry.hpp"

namespace {

struct order {
  KAIROS_MESSAGE("test.same_name");
  int cans;
};

namespace elsewhere {
struct order {
  KAIROS_MESSAGE("test.same_name");
  double price;
};
}  // namespace elsewhere

class shop final : public kairos::actor {
 public:
  void on(const order&, kairos::context&) {}
};

class bank final : public kairos::actor {
 public:
  void on(const elsewhere::order&, kairos::context&) {}
};

/// A class descriptor with only what the registry checks: name and handlers.
template <class T, class M>
kairos::class_info descriptor(std::string_view name) {
  kairos::class_info info{};
  info.abi = kairos::abi_version;
  info.name = name;
  info.plugin = "message_names_test";
  info.handlers = kairos::detail::handler_table<T, kairos::handles<M>>::entries;
  return info;
}

TEST(MessageNames, TwoTypesUnderOneNameAreRefusedNamingBoth) {
  auto& reg = kairos::registry::instance();
  reg.classes();  // commit what the binary registered statically first
  static const kairos::class_info first = descriptor<shop, order>("test.shop");
  static const kairos::class_info second = descriptor<bank, elsewhere::order>("test.bank");
  reg.submit(kairos::abi_version, &first);
  reg.submit(kairos::abi_version, &second);
  try {
    reg.classes();
    FAIL() << "two message types named 'test.same_name' were accepted";
  } catch (const kairos::plugin_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("two message types are named 'test.same_name'"), std::string::npos) << what;
    EXPECT_NE(what.find("{anonymous}::order"), std::string::npos) << what;
    EXPECT_NE(what.find("elsewhere::order"), std::string::npos) << what;
    EXPECT_NE(what.find("test.bank"), std::string::npos) << what;
  }
}

class never_registered final : public kairos::actor {};

TEST(MessageNames, CreatingAnUnregisteredClassNamesIt) {
  try {
    kairos::detail::registered_class_of<never_registered>();
    FAIL() << "an unregistered class was accepted";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("never_registered"), std::string::npos) << e.what();
  }
}

}  // namespace
