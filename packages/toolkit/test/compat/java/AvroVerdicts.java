import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/**
 * Apache Avro Java's verdicts on schema pairs, for eventcanon's differential test and bench.
 *
 * Input: one pair a line, the old and the new schema as JSON, separated by a tab.
 *
 *   java AvroVerdicts verdicts FILE       one line a pair: BACKWARD and FORWARD verdicts, tab-separated, then
 *                                         a reason; a verdict is compatible, incompatible, invalid (a schema
 *                                         does not parse) or error (the check threw)
 *   java AvroVerdicts bench FILE SECONDS  pairs per second over the whole file, after a warm-up: each pair
 *                                         parsed and checked in both directions, as in verdicts ("full"), then
 *                                         the checks alone on schemas parsed beforehand ("checks")
 */
public final class AvroVerdicts {
  private AvroVerdicts() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2) throw new IllegalArgumentException("usage: verdicts FILE | bench FILE SECONDS");
    List<String[]> pairs = read(args[1]);
    if (args[0].equals("verdicts")) {
      StringBuilder out = new StringBuilder();
      for (String[] pair : pairs) out.append(verdicts(pair[0], pair[1])).append('\n');
      System.out.print(out);
    } else if (args[0].equals("bench")) {
      System.out.println(bench(pairs, Double.parseDouble(args[2])));
    } else {
      throw new IllegalArgumentException("unknown command " + args[0]);
    }
  }

  private static List<String[]> read(String file) throws IOException {
    List<String[]> pairs = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(Paths.get(file), StandardCharsets.UTF_8)) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        int tab = line.indexOf('\t');
        pairs.add(new String[] {line.substring(0, tab), line.substring(tab + 1)});
      }
    }
    return pairs;
  }

  /** A schema the way Confluent's registry parses one: a fresh parser, defaults validated. */
  private static Schema parse(String text) {
    return new Schema.Parser().parse(text);
  }

  /** The verdict of one direction; a check that throws is an error, with its message kept for the reason. */
  private static String check(Schema reader, Schema writer, StringBuilder reason) {
    try {
      SchemaCompatibilityType type =
          SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType();
      return type == SchemaCompatibilityType.COMPATIBLE ? "compatible" : "incompatible";
    } catch (RuntimeException e) {
      if (reason.length() == 0) reason.append(oneLine(e));
      return "error";
    }
  }

  static String verdicts(String oldText, String newText) {
    Schema oldSchema;
    Schema newSchema;
    try {
      oldSchema = parse(oldText);
      newSchema = parse(newText);
    } catch (RuntimeException e) {
      return "invalid\tinvalid\t" + oneLine(e);
    }
    StringBuilder reason = new StringBuilder();
    String backward = check(newSchema, oldSchema, reason);
    String forward = check(oldSchema, newSchema, reason);
    return backward + "\t" + forward + "\t" + reason;
  }

  private static String oneLine(Throwable e) {
    return (e.getClass().getSimpleName() + ": " + e.getMessage()).replace('\n', ' ').replace('\t', ' ');
  }

  /** Pairs per second: whole passes over the file for SECONDS each, after two warm-up passes. */
  static String bench(List<String[]> pairs, double seconds) {
    long sink = 0;
    for (int warm = 0; warm < 2; warm++) for (String[] pair : pairs) sink += verdicts(pair[0], pair[1]).length();
    long done = 0;
    long start = System.nanoTime();
    long budget = (long) (seconds * 1e9);
    while (System.nanoTime() - start < budget) {
      for (String[] pair : pairs) sink += verdicts(pair[0], pair[1]).length();
      done += pairs.size();
    }
    double full = done / ((System.nanoTime() - start) / 1e9);
    // The checks alone, as a registry runs them on schemas it has parsed and cached.
    List<Schema[]> parsed = new ArrayList<>();
    for (String[] pair : pairs) {
      try {
        parsed.add(new Schema[] {parse(pair[0]), parse(pair[1])});
      } catch (RuntimeException e) {
        // refused schemas are not checked
      }
    }
    StringBuilder reason = new StringBuilder();
    for (int warm = 0; warm < 2; warm++) for (Schema[] s : parsed) sink += check(s[1], s[0], reason).length() + check(s[0], s[1], reason).length();
    done = 0;
    start = System.nanoTime();
    while (System.nanoTime() - start < budget) {
      for (Schema[] s : parsed) sink += check(s[1], s[0], reason).length() + check(s[0], s[1], reason).length();
      done += parsed.size();
    }
    double checks = done / ((System.nanoTime() - start) / 1e9);
    return String.format("full %.1f pairs/s; checks %.1f pairs/s (%d)", full, checks, sink % 7);
  }
}
