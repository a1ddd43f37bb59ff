// Reading a site's opening hours and pre-chat form from their JSON (docs/api.md, sites).
// The shape is checked here; the rules (overlaps, real dates, known zones) by the service.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>

#include "core/types.hpp"

namespace juttu::api {

std::optional<core::BusinessHours> read_hours(const boost::json::object& in, std::string& error);
std::optional<core::PrechatForm> read_prechat(const boost::json::object& in, std::string& error);

}  // namespace juttu::api
