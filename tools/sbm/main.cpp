// sbm: reference model and conformance suite for Linux scheduler load balancing.
#include <iostream>

#include <CLI/CLI.hpp>

#include "sbm_version.h"  // SBM_COMMIT, written at build time (tools/version.cmake)
#include "tools/sbm/checked_output.h"
#include "tools/sbm/cli_common.h"
#include "tools/sbm/cli_tree.h"
#include "tools/sbm/commands.h"

namespace {

int run(int argc, char** argv) {
  using namespace sbm::cli;
  CLI::App app(
      "sbm: a reference model of Linux scheduler load balancing (sched domains, groups,\n"
      "rebalance_domains, load_balance, NOHZ, SD_SERIALIZE), checked against named invariants.\n"
      "Exit status: 0 sound/conforms, 1 violation, 2 bad input or usage, 3 unknown.\n"
      "Start with 'sbm demo'; every command has --help.",
      "sbm");
  app.require_subcommand(1);
  app.set_version_flag("--version",
                       std::string("sbm ") + SBM_VERSION + " (commit " + SBM_COMMIT + ")");
  app.footer(
      "Examples:\n"
      "  sbm demo\n"
      "  sbm topology check --json boot.log\n"
      "  sbm trace gen --ticks 500 | sbm trace check -");
  int status = kConforms;
  add_topology_commands(app, status);
  add_trace_commands(app, status);
  add_demo_command(app, status);
  add_prove_command(app, status);
  add_mutants_command(app, status);
  add_corpus_command(app, status);
  name_option_values(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return report_parse_error(app, e, argc, argv);
  } catch (const InputError& e) {
    return report_error(e);
  } catch (const UsageError& e) {
    return report_error(e);
  } catch (const WriteError& e) {
    return report_error(e);
  }
  return status;
}

}  // namespace

// Standard output is checked once, at the end, for every command (tools/sbm/checked_output.h).
int main(int argc, char** argv) {
  sbm::cli::install_checked_stdout();
  const int status = run(argc, argv);
  try {
    sbm::cli::finish_stdout();
  } catch (const sbm::cli::WriteError& e) {
    return sbm::cli::report_error(e);
  }
  return status;
}
