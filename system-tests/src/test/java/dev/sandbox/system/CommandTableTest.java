package dev.sandbox.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.sandbox.infra.cli.Commands;
import dev.sandbox.infra.cli.Commands.Command;

/**
 * One command table ({@link Commands}): {@code ./sandbox help} prints exactly what SandboxCli
 * prints, the README's table lists the same commands, the script dispatches every command it
 * runs and SandboxCli every command it runs.
 */
class CommandTableTest {

    private static final Pattern README_ROW = Pattern.compile("^\\| (`[^|]+`(?: / `[^|]+`)*) \\|", Pattern.MULTILINE);
    private static final Pattern CODE = Pattern.compile("`([a-z-]+)");

    @Test
    void theScriptPrintsTheHelpSandboxCliPrints() throws Exception {
        var script = new ProcessBuilder(DeploymentTopology.ROOT.resolve("sandbox").toString(), "help")
                .directory(DeploymentTopology.ROOT.toFile()).redirectErrorStream(true).start();
        var printed = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(script.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(script.exitValue()).isZero();
        assertThat(printed).isEqualTo(Commands.help(DeploymentTopology.ROOT));
        assertThat(printed).contains("gateway, ingestion, orders").doesNotContain("lib.sh").doesNotContain("log-path");
    }

    @Test
    void theReadmeListsTheCommandsOfTheTable() throws IOException {
        var readme = Files.readString(DeploymentTopology.ROOT.resolve("README.md"));
        var section = readme.substring(readme.indexOf("## The `sandbox` command"));
        section = section.substring(0, section.indexOf("\n## ", 1));
        var inReadme = new LinkedHashSet<String>();
        var rows = README_ROW.matcher(section);
        while (rows.find()) {
            var names = CODE.matcher(rows.group(1));
            while (names.find()) {
                inReadme.add(names.group(1));
            }
        }
        inReadme.remove("command");
        assertThat(inReadme).containsExactlyInAnyOrderElementsOf(listed());
    }

    @Test
    void eachHalfDispatchesTheCommandsItRuns() throws IOException {
        var script = Files.readString(DeploymentTopology.ROOT.resolve("sandbox"));
        var cli = Files.readString(DeploymentTopology.ROOT.resolve("infra/src/main/java/dev/sandbox/infra/cli/SandboxCli.java"));
        for (var command : Commands.all()) {
            if (command.listed()) {
                assertThat(script).as("./sandbox dispatches " + command.name())
                        .containsPattern("(?m)^\\s+([a-z|-]+\\|)?" + Pattern.quote(command.name()) + "(\\|[a-z|-]+)?\\)");
            }
            if (command.runsInJava()) {
                assertThat(cli).as("SandboxCli runs " + command.name()).contains("\"" + command.name() + "\"");
            }
        }
    }

    private static Set<String> listed() {
        var names = new LinkedHashSet<String>();
        Commands.all().stream().filter(Command::listed).map(Command::name).forEach(names::add);
        return names;
    }
}
