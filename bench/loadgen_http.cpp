#include "loadgen_http.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <stdexcept>

namespace bench {

namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;

std::string http_request(const boost::asio::ip::tcp::endpoint& server, const std::string& method,
                         const std::string& target, const std::string& body,
                         const std::string& bearer_token) {
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket socket(io);
    socket.connect(server);
    http::request<http::string_body> request(http::string_to_verb(method), target, 11);
    request.set(http::field::host,
                server.address().to_string() + ":" + std::to_string(server.port()));
    request.set(http::field::content_type, "application/json");
    if (!bearer_token.empty()) request.set(http::field::authorization, "Bearer " + bearer_token);
    request.body() = body;
    request.prepare_payload();
    http::write(socket, request);
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(socket, buffer, response);
    beast::error_code ignored;
    socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    if (response.result_int() / 100 != 2) {
        throw std::runtime_error(method + " " + target + " answered " +
                                 std::to_string(response.result_int()) + ": " + response.body());
    }
    return response.body();
}

std::string demo_site_key(const boost::asio::ip::tcp::endpoint& server, const std::string& email,
                          const std::string& password) {
    const auto login = json::parse(
        http_request(server, "POST", "/api/v1/auth/login",
                     json::serialize(json::object{{"email", email}, {"password", password}})));
    const std::string token(login.at("token").as_string());
    const auto sites = json::parse(http_request(server, "GET", "/api/v1/sites", "", token));
    const auto& items = sites.at("items").as_array();
    if (items.empty()) throw std::runtime_error("the workspace has no site");
    return std::string(items.front().at("key").as_string());
}

}  // namespace bench
