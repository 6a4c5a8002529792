# Writes OUT, a C++ file defining ledger::events::schema_texts(): the name and
# text of every schema file in FILES.
set(body "#include \"events/schema_texts.h\"\nnamespace ledger::events {\nconst std::vector<SchemaText>& schema_texts() {\n  static const std::vector<SchemaText> texts = {\n")
foreach(f ${FILES})
  get_filename_component(name ${f} NAME)
  file(READ ${f} text)
  string(APPEND body "    {\"${name}\", R\"__fbs__(${text})__fbs__\"},\n")
endforeach()
string(APPEND body "  };\n  return texts;\n}\n}  // namespace ledger::events\n")
file(WRITE ${OUT} "${body}")
