#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "static_files.hpp"
#include "url.hpp"

using namespace bitten::webapp;
namespace fs = std::filesystem;

TEST(Url, DecodeQueryAndCookies) {
  EXPECT_EQ(url_decode("a%20b+c").value(), "a b c");
  EXPECT_FALSE(url_decode("%zz"));
  EXPECT_FALSE(url_decode("%4"));
  auto q = parse_query("limit=5&symbol=EUR%2FUSD&flag&=x");
  EXPECT_EQ(q["limit"], "5");
  EXPECT_EQ(q["symbol"], "EUR/USD");
  EXPECT_EQ(q["flag"], "");
  auto c = parse_cookies("a=1; bitten_session=abc ;b=2; a=3");
  EXPECT_EQ(c["bitten_session"], "abc");
  EXPECT_EQ(c["a"], "1");
  auto t = split_target("/api/x?y=1");
  EXPECT_EQ(t.path, "/api/x");
  EXPECT_EQ(t.query, "y=1");
}

class StaticFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("bitten-static-" + std::to_string(::getpid()));
    fs::create_directories(base_ / "root" / "sub");
    std::ofstream(base_ / "root" / "index.html") << "i";
    std::ofstream(base_ / "root" / "sub" / "a.js") << "a";
    std::ofstream(base_ / "root" / ".env") << "hidden";
    std::ofstream(base_ / "secret.txt") << "s";
    fs::create_symlink(base_ / "secret.txt", base_ / "root" / "link.txt");
  }
  void TearDown() override { fs::remove_all(base_); }
  fs::path base_;
};

TEST_F(StaticFiles, ServesFilesInsideTheRoot) {
  auto root = base_ / "root";
  EXPECT_EQ(resolve_static_path(root, "/").value().filename(), "index.html");
  EXPECT_EQ(resolve_static_path(root, "/sub/a.js").value().filename(), "a.js");
  EXPECT_EQ(mime_type("x.js"), "text/javascript; charset=utf-8");
}

TEST_F(StaticFiles, RefusesTraversalInEveryDisguise) {
  auto root = base_ / "root";
  for (const char* p : {"/../secret.txt", "/sub/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt",
                        "/..%2fsecret.txt", "/sub/..%5c..%5csecret.txt", "/.env", "/sub//a.js", "/link.txt",
                        "/%00index.html", "/nope.html", "/%zz"}) {
    EXPECT_FALSE(resolve_static_path(root, p)) << p;
  }
}
