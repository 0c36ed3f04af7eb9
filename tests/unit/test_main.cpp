// Defines main() for a CAF unit test binary.
#define CAF_TEST_NO_MAIN
#include <caf/test/unit_test_impl.hpp>

#include "runtime/error.hpp"

int main(int argc, char** argv) {
  return caf::test::main(argc, argv);
}
