# Writes the man page sbm.1 from the help the binary prints: `sbm --help`, then each
# subcommand's --help, depth first (cmake -DSBM=<binary> -DVERSION=<x.y.z> -DOUT=<sbm.1> -P).
# Run at build time (cmake/sbm_install.cmake), so the page cannot drift from --help.

# The subcommand names listed in one help text (CLI11's "Subcommands:" block, one per line).
function(sbm_subcommands help out)
  set(names "")
  string(REPLACE "\n" ";" lines "${help}")
  set(in_block FALSE)
  foreach(line IN LISTS lines)
    if(line MATCHES "^[Ss][Uu][Bb][Cc][Oo][Mm][Mm][Aa][Nn][Dd][Ss]:")
      set(in_block TRUE)
    elseif(in_block AND line MATCHES "^  ([a-z][a-z0-9-]*)")
      list(APPEND names ${CMAKE_MATCH_1})
    elseif(in_block AND NOT line MATCHES "^ ")
      set(in_block FALSE)
    endif()
  endforeach()
  set(${out} ${names} PARENT_SCOPE)
endfunction()

# Help text as roff: backslashes doubled, lines starting with . or ' guarded.
function(sbm_roff text out)
  string(REPLACE "\\" "\\e" text "${text}")
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" text "${text}")
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

function(sbm_help_section words out)
  execute_process(COMMAND ${SBM} ${words} --help OUTPUT_VARIABLE help RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "sbm ${words} --help: exit ${rc}")
  endif()
  sbm_roff("${help}" roff)
  string(REPLACE ";" " " title "sbm;${words}")
  set(page ".SS ${title}\n.nf\n${roff}.fi\n")
  sbm_subcommands("${help}" subs)
  foreach(sub IN LISTS subs)
    sbm_help_section("${words};${sub}" sub_page)
    string(APPEND page "${sub_page}")
  endforeach()
  set(${out} "${page}" PARENT_SCOPE)
endfunction()

execute_process(COMMAND ${SBM} --help OUTPUT_VARIABLE top RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "sbm --help: exit ${rc}")
endif()
sbm_subcommands("${top}" commands)
set(body "")
foreach(c IN LISTS commands)
  sbm_help_section("${c}" section)
  string(APPEND body "${section}")
endforeach()
sbm_roff("${top}" top_roff)
file(WRITE ${OUT}.tmp
".TH SBM 1 \"\" \"sbm ${VERSION}\" \"User Commands\"
.SH NAME
sbm \\- a reference model of Linux scheduler load balancing, checked against named invariants
.SH SYNOPSIS
.B sbm
\\fICOMMAND\\fR [\\fIOPTIONS\\fR]
.SH DESCRIPTION
.nf
${top_roff}.fi
.SH COMMANDS
${body}.SH FILES
.TP
.I share/sbm/corpus
The trace corpus \\fBsbm mutants\\fR reads by default, beside the installed \\fIbin/\\fR.
.SH SEE ALSO
The specification, installed under \\fIshare/doc/sbm/spec\\fR.
")
file(RENAME ${OUT}.tmp ${OUT})
