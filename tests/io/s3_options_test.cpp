// S3Options from the environment and the AWS profile files; INI parsing; s3:// locations.
#include "io/s3_options.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "base/error.h"
#include "io/aws_profile.h"
#include "io/file_io.h"
#include "io/s3_location.h"

namespace floe::io {

namespace {

S3Options::EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

class ProfileFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() / ("floe_s3_options_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_ / ".aws");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / ".aws" / name) << text;
  }
  std::string home() const { return dir_.string(); }

  std::filesystem::path dir_;
};

}  // namespace

TEST(AwsProfile, ParsesSectionsCommentsAndNestedKeys) {
  IniSections ini = parse_ini(
      "# comment\n"
      "[default]\n"
      "aws_access_key_id = AKIDDEFAULT\n"
      "aws_secret_access_key=secret/with+chars ; trailing comment\n"
      "\n"
      "[profile dev]\r\n"
      "region = eu-west-1\r\n"
      "s3 =\n"
      "  endpoint_url = http://127.0.0.1:9000\n"
      "  addressing_style = path\n"
      "Output = json\n"
      "; another comment\n"
      "[broken\n"
      "ignored = yes\n");
  ASSERT_EQ(ini.count("default"), 1u);
  EXPECT_EQ(ini["default"]["aws_access_key_id"], "AKIDDEFAULT");
  EXPECT_EQ(ini["default"]["aws_secret_access_key"], "secret/with+chars");
  EXPECT_EQ(ini["profile dev"]["region"], "eu-west-1");
  EXPECT_EQ(ini["profile dev"]["s3.endpoint_url"], "http://127.0.0.1:9000");
  EXPECT_EQ(ini["profile dev"]["s3.addressing_style"], "path");
  EXPECT_EQ(ini["profile dev"]["output"], "json");  // keys are case-insensitive
  // A line under a malformed section header belongs to the section before it.
  EXPECT_EQ(ini["profile dev"]["ignored"], "yes");
  EXPECT_EQ(config_profile(ini, "dev").at("region"), "eu-west-1");
  EXPECT_EQ(config_profile(ini, "default").at("aws_access_key_id"), "AKIDDEFAULT");
  EXPECT_TRUE(credentials_profile(ini, "nosuch").empty());
}

TEST(S3Options, Defaults) {
  S3Options o = S3Options::from_environment(env_of({}));
  EXPECT_EQ(o.region, "us-east-1");
  EXPECT_EQ(o.endpoint_url(), "https://s3.us-east-1.amazonaws.com");
  EXPECT_FALSE(o.use_path_style());
  EXPECT_TRUE(o.access_key.empty());
  EXPECT_EQ(o.part_size, 8u << 20);
  EXPECT_EQ(o.multipart_threshold, 8u << 20);
  EXPECT_EQ(o.max_attempts, 4);
}

TEST(S3Options, FromEnvironmentVariables) {
  S3Options o = S3Options::from_environment(env_of({
      {"AWS_ACCESS_KEY_ID", "AKID"},
      {"AWS_SECRET_ACCESS_KEY", "SECRET"},
      {"AWS_SESSION_TOKEN", "TOKEN"},
      {"AWS_DEFAULT_REGION", "eu-central-1"},
      {"AWS_ENDPOINT_URL", "http://127.0.0.1:1/"},
      {"AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9000/"},
      {"AWS_MAX_ATTEMPTS", "2"},
      {"FLOE_S3_PART_SIZE", "6MiB"},
      {"FLOE_S3_STALL_SECONDS", "3"},
  }));
  EXPECT_EQ(o.access_key, "AKID");
  EXPECT_EQ(o.secret_key, "SECRET");
  EXPECT_EQ(o.session_token, "TOKEN");
  EXPECT_EQ(o.region, "eu-central-1");
  EXPECT_EQ(o.endpoint_url(), "http://127.0.0.1:9000");  // the S3-specific one wins
  EXPECT_TRUE(o.use_path_style());                       // default with an endpoint
  EXPECT_EQ(o.max_attempts, 2);
  EXPECT_EQ(o.part_size, 6u << 20);
  EXPECT_EQ(o.multipart_threshold, 6u << 20);
  EXPECT_EQ(o.stall_timeout_s, 3);

  S3Options r = S3Options::from_environment(env_of({{"AWS_REGION", "ap-south-1"},
                                                    {"AWS_DEFAULT_REGION", "eu-central-1"},
                                                    {"AWS_ENDPOINT_URL", "http://127.0.0.1:9000"},
                                                    {"FLOE_S3_PATH_STYLE", "false"}}));
  EXPECT_EQ(r.region, "ap-south-1");
  EXPECT_FALSE(r.use_path_style());
}

TEST(S3Options, MalformedValuesNameTheirVariable) {
  auto message = [](std::map<std::string, std::string> vars) {
    try {
      S3Options::from_environment(env_of(std::move(vars)));
    } catch (const InvalidInputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message({{"FLOE_S3_PART_SIZE", "1MiB"}}).find("FLOE_S3_PART_SIZE=1MiB"),
            std::string::npos);
  EXPECT_NE(message({{"FLOE_S3_PART_SIZE", "lots"}}).find("byte count"), std::string::npos);
  EXPECT_NE(message({{"FLOE_S3_PATH_STYLE", "maybe"}}).find("FLOE_S3_PATH_STYLE"),
            std::string::npos);
  EXPECT_NE(message({{"AWS_MAX_ATTEMPTS", "0"}}).find("AWS_MAX_ATTEMPTS"), std::string::npos);
  EXPECT_NE(message({{"AWS_ENDPOINT_URL", "127.0.0.1:9000"}}).find("needs a scheme"),
            std::string::npos);
  EXPECT_NE(message({{"AWS_ACCESS_KEY_ID", "AKID"}}).find("no secret key"), std::string::npos);
  EXPECT_EQ(parse_byte_size("8388608", "x"), 8388608u);
  EXPECT_EQ(parse_byte_size("512KiB", "x"), 512u << 10);
  EXPECT_EQ(parse_byte_size("1g", "x"), 1u << 30);
}

TEST_F(ProfileFiles, CredentialsAndConfigFromProfile) {
  write("credentials",
        "[default]\naws_access_key_id = AKIDDEF\naws_secret_access_key = SDEF\n"
        "[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = SDEV\n"
        "aws_session_token = TDEV\n");
  write("config",
        "[default]\nregion = us-west-2\n"
        "[profile dev]\nregion = eu-west-1\ns3 =\n  endpoint_url = http://127.0.0.1:9000\n"
        "  addressing_style = virtual\n");
  S3Options def = S3Options::from_environment(env_of({{"HOME", home()}}));
  EXPECT_EQ(def.access_key, "AKIDDEF");
  EXPECT_EQ(def.secret_key, "SDEF");
  EXPECT_EQ(def.region, "us-west-2");
  EXPECT_TRUE(def.endpoint.empty());

  S3Options dev = S3Options::from_environment(env_of({{"HOME", home()}, {"AWS_PROFILE", "dev"}}));
  EXPECT_EQ(dev.access_key, "AKIDDEV");
  EXPECT_EQ(dev.session_token, "TDEV");
  EXPECT_EQ(dev.region, "eu-west-1");
  EXPECT_EQ(dev.endpoint_url(), "http://127.0.0.1:9000");
  EXPECT_FALSE(dev.use_path_style());  // addressing_style = virtual

  // Keys in the environment win over the files; so do the region and endpoint.
  S3Options env = S3Options::from_environment(env_of({{"HOME", home()},
                                                      {"AWS_ACCESS_KEY_ID", "AKIDENV"},
                                                      {"AWS_SECRET_ACCESS_KEY", "SENV"},
                                                      {"AWS_REGION", "sa-east-1"}}));
  EXPECT_EQ(env.access_key, "AKIDENV");
  EXPECT_EQ(env.secret_key, "SENV");
  EXPECT_TRUE(env.session_token.empty());
  EXPECT_EQ(env.region, "sa-east-1");

  // Files named by the environment replace the ones in the home folder.
  write("other-credentials",
        "[default]\naws_access_key_id = AKIDOTHER\naws_secret_access_key = S\n");
  S3Options other = S3Options::from_environment(
      env_of({{"HOME", home()},
              {"AWS_SHARED_CREDENTIALS_FILE", (dir_ / ".aws" / "other-credentials").string()},
              {"AWS_CONFIG_FILE", (dir_ / ".aws" / "missing-config").string()}}));
  EXPECT_EQ(other.access_key, "AKIDOTHER");
  EXPECT_EQ(other.region, "us-east-1");
}

TEST(S3Location, ParsesSchemesBucketsAndKeys) {
  S3Location a = parse_s3_location("s3://bucket/dir/file.parquet");
  EXPECT_EQ(a.scheme, "s3");
  EXPECT_EQ(a.bucket, "bucket");
  EXPECT_EQ(a.key, "dir/file.parquet");
  EXPECT_EQ(a.to_string(), "s3://bucket/dir/file.parquet");
  S3Location b = parse_s3_location("s3a://bucket");
  EXPECT_EQ(b.scheme, "s3a");
  EXPECT_EQ(b.key, "");
  EXPECT_EQ(b.with_key("x/y").to_string(), "s3a://bucket/x/y");
  EXPECT_EQ(parse_s3_location("S3N://b/k").bucket, "b");
  EXPECT_THROW(parse_s3_location("s3:///key"), InvalidInputError);
  EXPECT_THROW(parse_s3_location("gs://b/k"), InvalidInputError);
  EXPECT_EQ(location_scheme("s3a://b/k"), "s3");
  EXPECT_EQ(location_scheme("s3n://b/k"), "s3");
}

}  // namespace floe::io
