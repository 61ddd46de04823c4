// SharedLibrary: a library that is not there, or lacks a function, is an UnsupportedError
// saying what needed it and what to install.
#include "base/shared_library.h"

#include <gtest/gtest.h>

#include "base/error.h"

namespace floe {
namespace {

TEST(SharedLibrary, MissingLibrarySaysWhatToInstall) {
  try {
    SharedLibrary so("libfloe-no-such-library.so.7", "the test's widget needs libwidget",
                     "libwidget7");
    FAIL() << "opened a library that does not exist";
  } catch (const UnsupportedError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("the test's widget needs libwidget (libfloe-no-such-library.so.7)"),
              std::string::npos) << m;
    EXPECT_NE(m.find("install Debian's libwidget7"), std::string::npos) << m;
  }
}

TEST(SharedLibrary, FindsFunctionsAndNamesAMissingOne) {
  SharedLibrary libc("libc.so.6", "the test needs libc", "libc6");
  auto len = libc.function<size_t (*)(const char*)>("strlen");
  EXPECT_EQ(len("floe"), 4u);
  try {
    libc.function<void (*)()>("floe_no_such_function");
    FAIL() << "found a function that does not exist";
  } catch (const UnsupportedError& e) {
    EXPECT_NE(std::string(e.what()).find("libc.so.6 lacks floe_no_such_function"),
              std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace floe
