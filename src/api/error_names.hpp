// The stable `code` strings of errors, shared by the REST API and the protocol.
#pragma once

#include <string_view>

#include "core/result.hpp"

namespace juttu::api {

std::string_view error_code_name(core::ErrorCode code);

}  // namespace juttu::api
