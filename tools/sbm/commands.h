// Each command family registers its subcommands on the sbm app; `status` receives the exit
// status of the command that ran.
#pragma once

namespace CLI {
class App;
}

namespace sbm::cli {

void add_topology_commands(CLI::App& app, int& status);
void add_trace_commands(CLI::App& app, int& status);
void add_trace_check_command(CLI::App* trace, int& status);
void add_trace_record_command(CLI::App* trace, int& status);
void add_trace_view_command(CLI::App* trace, int& status);
void add_demo_command(CLI::App& app, int& status);
void add_prove_command(CLI::App& app, int& status);
void add_mutants_command(CLI::App& app, int& status);
void add_corpus_command(CLI::App& app, int& status);

}  // namespace sbm::cli
