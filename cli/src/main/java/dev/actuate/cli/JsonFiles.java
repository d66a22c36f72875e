package dev.actuate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading the small JSON files of run directories and model cards, with errors that name file and field. */
final class JsonFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonFiles() {
    }

    /** The file's one JSON object. */
    static JsonNode readObject(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": missing");
        }
        JsonNode o;
        try {
            o = JSON.readTree(Files.readString(file));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (o == null || !o.isObject()) {
            throw new IOException(file + ": expected one JSON object");
        }
        return o;
    }

    /** A required string field of {@code o}, read from {@code source}. */
    static String text(Object source, JsonNode o, String field) throws IOException {
        JsonNode v = o.get(field);
        if (v == null || !v.isTextual()) {
            throw new IOException(source + ": field '" + field + "' is missing or not a string");
        }
        return v.asText();
    }

    /** A required number field of {@code o}, read from {@code source}. */
    static JsonNode number(Object source, JsonNode o, String field) throws IOException {
        JsonNode v = o.get(field);
        if (v == null || !v.isNumber()) {
            throw new IOException(source + ": field '" + field + "' is missing or not a number");
        }
        return v;
    }
}
