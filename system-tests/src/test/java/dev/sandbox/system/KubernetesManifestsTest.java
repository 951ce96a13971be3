package dev.sandbox.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.sandbox.infra.Component;
import dev.sandbox.infra.cli.ServiceSpec;
import dev.sandbox.infra.cli.Topology;
import dev.sandbox.infra.containers.ContainerInfrastructure;

/**
 * deploy/ renders with kustomize, overlay by overlay, into valid Kubernetes (checked against the
 * API's schemas) that passes a manifest linter (kube-score) but for the exceptions listed in
 * deploy/kube-score-exceptions.txt; the manifests in deploy/base are the ones quarkus-kubernetes
 * generates today; in every overlay each service runs as ./sandbox runs it (image, port,
 * environment, at least its replicas), reaches only the stores the topology gives it, runs locked
 * down, with the memory it was measured to need, and every replicated workload has a disruption budget.
 *
 * <p>After changing a service's configuration or the topology, refresh the generated files with
 * {@code ./mvnw -B package -DskipTests && ./mvnw -B verify -pl system-tests -am -Dtest=KubernetesManifestsTest
 * -Dsurefire.failIfNoSpecifiedTests=false -DskipITs -Dsandbox.update-deploy=true}.
 */
class KubernetesManifestsTest {

    private static final Path DEPLOY = DeploymentTopology.ROOT.resolve("deploy");
    private static final Path BASE = DEPLOY.resolve("base");
    private static final boolean UPDATE = Boolean.getBoolean("sandbox.update-deploy");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final List<String> OVERLAYS = List.of("dev", "scaled");

    /** Environment variables that come from a Secret, never a ConfigMap: variable → secret/key. */
    private static final Map<String, String> FROM_SECRETS = Map.of(
            "QUARKUS_DATASOURCE_USERNAME", "postgres-credentials/username",
            "QUARKUS_DATASOURCE_PASSWORD", "postgres-credentials/password",
            "RABBITMQ_USERNAME", "rabbitmq-credentials/username",
            "RABBITMQ_PASSWORD", "rabbitmq-credentials/password");

    private static Path copy;
    private static final Map<String, String> OUTPUT = new HashMap<>();
    private static final Map<String, List<JsonNode>> RENDERED = new HashMap<>();

    @BeforeAll
    static void render() throws Exception {
        if (UPDATE) {
            for (var service : DeploymentTopology.deployments().keySet()) {
                var dir = BASE.resolve(service.name());
                Files.createDirectories(dir);
                Files.writeString(dir.resolve("kubernetes.yml"), generated(service));
                Files.writeString(dir.resolve(service.name() + ".env"), envFile(service));
            }
        }
        // A copy, with the scaled overlay's secrets made as its example says: the documented way works.
        copy = Files.createTempDirectory("sandbox-deploy");
        copyTree(DEPLOY, copy);
        var scaled = copy.resolve("overlays/scaled");
        var secrets = Files.createDirectories(scaled.resolve("secrets"));
        try (var examples = Files.list(scaled.resolve("secrets.example"))) {
            for (var example : examples.filter(file -> !file.getFileName().toString().endsWith(".md")).toList()) {
                Files.copy(example, secrets.resolve(example.getFileName()));
            }
        }
        var generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        Files.writeString(secrets.resolve("gateway-signing-key.pem"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(generator.generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");

        var kustomize = DeploymentTopology.tool("kustomize");
        for (var overlay : OVERLAYS) {
            var output = DeploymentTopology.run(List.of(kustomize, "build", copy.resolve("overlays").resolve(overlay).toString()));
            OUTPUT.put(overlay, output);
            var nodes = new ArrayList<JsonNode>();
            try (var parser = YAML.getFactory().createParser(output)) {
                YAML.readValues(parser, JsonNode.class).forEachRemaining(nodes::add);
            }
            RENDERED.put(overlay, nodes);
        }
        OUTPUT.put("deploy/", DeploymentTopology.run(List.of(kustomize, "build", DEPLOY.toString())));
    }

    @AfterAll
    static void removeCopy() throws IOException {
        try (var files = Files.walk(copy)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    static List<ServiceSpec> deployments() {
        return List.copyOf(DeploymentTopology.deployments().keySet());
    }

    static List<String> overlays() {
        return OVERLAYS;
    }

    static Stream<Arguments> servicesInOverlays() {
        return OVERLAYS.stream().flatMap(overlay -> deployments().stream().map(service -> Arguments.of(overlay, service)));
    }

    @Test
    void kubectlApplyOnDeployGivesTheDevOverlay() {
        assertThat(OUTPUT.get("deploy/")).isEqualTo(OUTPUT.get("dev"));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void renderedManifestsAreValidKubernetes(String overlay) throws Exception {
        DeploymentTopology.validateKubernetes(OUTPUT.get(overlay));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void renderedManifestsPassTheLinterButForTheListedExceptions(String overlay) throws Exception {
        var command = new ArrayList<>(List.of(DeploymentTopology.tool("kube-score"), "score", "--output-format", "ci", "--exit-one-on-warning"));
        exceptions(overlay).stream().filter(exception -> exception.resources().equals(Set.of("*")))
                .forEach(exception -> command.addAll(List.of("--ignore-test", exception.check())));
        var file = Files.createTempFile("sandbox-kubernetes", ".yaml");
        try {
            Files.writeString(file, OUTPUT.get(overlay));
            command.add(file.toString());
            var output = DeploymentTopology.run(command);
            assertThat(output.lines().filter(line -> line.startsWith("[WARNING]") || line.startsWith("[CRITICAL]"))).isEmpty();
        } finally {
            Files.delete(file);
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theLinterIsSilencedOnlyWhereTheExceptionsFileSays(String overlay) throws Exception {
        var annotated = new HashSet<String>();
        for (var node : RENDERED.get(overlay)) {
            var ignore = node.path("metadata").path("annotations").path("kube-score/ignore").asText("");
            for (var check : ignore.split(",")) {
                if (!check.isBlank()) {
                    annotated.add(check.strip() + " " + node.path("metadata").path("name").asText());
                }
            }
        }
        var listed = exceptions(overlay).stream().filter(exception -> !exception.resources().equals(Set.of("*")))
                .flatMap(exception -> exception.resources().stream().map(resource -> exception.check() + " " + resource))
                .collect(Collectors.toSet());
        assertThat(annotated).isEqualTo(listed);
    }

    @ParameterizedTest
    @MethodSource("deployments")
    void manifestIsTheOneQuarkusGenerates(ServiceSpec service) throws Exception {
        var committed = BASE.resolve(service.name()).resolve("kubernetes.yml");
        assertThat(committed).as("refresh deploy/ (see this test's comment)").hasContent(generated(service));
    }

    @ParameterizedTest
    @MethodSource("servicesInOverlays")
    void eachServiceRunsAsInTheSandbox(String overlay, ServiceSpec service) {
        var deployment = resource(overlay, "Deployment", service.name());
        var container = container(deployment);

        assertThat(container.path("image").asText()).isEqualTo(DeploymentTopology.image(service));
        assertThat(container.path("ports").get(0).path("containerPort").asInt()).isEqualTo(service.port());
        assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/ready");
        var replicas = replicas(overlay, deployment);
        var sandboxReplicas = DeploymentTopology.deployments().get(service);
        if (overlay.equals("dev")) {
            assertThat(replicas).as(service.name() + "'s replicas").isEqualTo(sandboxReplicas);
        } else {
            assertThat(replicas).as(service.name() + "'s replicas").isGreaterThanOrEqualTo(sandboxReplicas);
        }
        assertThat(resource(overlay, "Service", service.name()).path("spec").path("ports").get(0).path("port").asInt())
                .isEqualTo(service.port());

        var configMap = configMap(overlay, container);
        var fromSecrets = new LinkedHashMap<String, String>();
        container.path("env").forEach(variable -> {
            var reference = variable.path("valueFrom").path("secretKeyRef");
            if (!reference.isMissingNode()) {
                fromSecrets.put(variable.path("name").asText(), unsuffixed(reference.path("name").asText()) + "/" + reference.path("key").asText());
            }
        });
        DeploymentTopology.clusterEnvironment(service).forEach((key, value) -> {
            if (FROM_SECRETS.containsKey(key)) {
                assertThat(configMap).as(key + " is a secret").doesNotContainKey(key);
                assertThat(fromSecrets).as(key + " from a Secret").containsEntry(key, FROM_SECRETS.get(key));
                if (overlay.equals("dev")) {
                    assertThat(secretValue(overlay, FROM_SECRETS.get(key))).as(key).isEqualTo(value);
                }
            } else {
                assertThat(configMap).as(service.name() + "'s " + key).containsEntry(key, value);
            }
        });
        if (overlay.equals("dev")) {
            assertThat(configMap.keySet()).allMatch(key -> DeploymentTopology.clusterEnvironment(service).containsKey(key));
        }
    }

    /** Sized to partitions: a processor group's replicas divide its topic's partitions evenly. */
    @ParameterizedTest
    @MethodSource("overlays")
    void processorsDivideTheirTopicsPartitionsAndTopicsHaveTheBrokersCopies(String overlay) {
        var brokers = replicas(overlay, resource(overlay, "StatefulSet", Component.KAFKA.id()));
        var kafka = env(container(resource(overlay, "StatefulSet", Component.KAFKA.id())));
        for (var processor : Map.of("order-processor", "ORDERS_TOPICS_PARTITIONS", "ingestion-sink", "INGESTION_TOPICS_PARTITIONS").entrySet()) {
            var deployment = resource(overlay, "Deployment", processor.getKey());
            var environment = configMap(overlay, container(deployment));
            var partitions = Integer.parseInt(environment.getOrDefault(processor.getValue(), String.valueOf(replicas(overlay, deployment))));
            assertThat(partitions % replicas(overlay, deployment)).as(processor.getKey() + " over " + partitions + " partitions").isZero();

            var copies = Integer.parseInt(environment.getOrDefault("SANDBOX_TOPICS_REPLICATION_FACTOR", "1"));
            var minimum = Integer.parseInt(environment.getOrDefault("SANDBOX_TOPICS_MIN_INSYNC_REPLICAS", "1"));
            assertThat(copies).as("topic copies, with " + brokers + " brokers").isEqualTo(Math.min(brokers, 3));
            if (brokers > 1) {
                // One broker lost, writes go on; an acknowledged record is on two brokers at least.
                assertThat(minimum).isEqualTo(copies - 1).isGreaterThanOrEqualTo(2);
            }
        }
        // Exactly-once rests on the transaction log and the committed offsets: as many copies as the topics.
        assertThat(Integer.parseInt(kafka.get("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"))).isEqualTo(Math.min(brokers, 3));
        assertThat(Integer.parseInt(kafka.get("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"))).isEqualTo(Math.min(brokers, 3));
        assertThat(Integer.parseInt(kafka.get("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR"))).isEqualTo(Math.max(1, Math.min(brokers, 3) - 1));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void serversUseTheImagesTheContainerTestsUse(String overlay) {
        var images = Map.of(
                Component.REDIS, ContainerInfrastructure.REDIS_IMAGE,
                Component.POSTGRES, ContainerInfrastructure.POSTGRES_IMAGE,
                Component.RABBITMQ, ContainerInfrastructure.RABBITMQ_IMAGE,
                Component.KAFKA, ContainerInfrastructure.KAFKA_IMAGE);
        images.forEach((component, image) -> {
            assertThat(container(resource(overlay, "StatefulSet", component.id())).path("image").asText()).isEqualTo(image);
            assertThat(resource(overlay, "Service", component.id()).path("spec").path("ports").get(0).path("port").asInt())
                    .isEqualTo(component.defaultPort());
        });
    }

    @Test
    void postgresStartsWithEveryServiceDatabase() {
        var init = resource("dev", "ConfigMap", "postgres-init").path("data").path("init-databases.sql").asText();
        DeploymentTopology.databases().forEach(database -> assertThat(init).contains("CREATE DATABASE " + database + ";"));
    }

    /** A store admits exactly the services the topology gives it; a service reaches exactly its own stores. */
    @ParameterizedTest
    @MethodSource("overlays")
    void networkPoliciesFollowTheTopology(String overlay) {
        var deny = resource(overlay, "NetworkPolicy", "default-deny");
        assertThat(deny.path("spec").path("podSelector").isEmpty()).isTrue();
        assertThat(deny.path("spec").path("policyTypes").toString()).contains("Ingress", "Egress");
        var stores = Set.of(Component.REDIS, Component.POSTGRES, Component.RABBITMQ, Component.KAFKA);
        for (var store : stores) {
            var owners = deployments().stream().filter(service -> service.needs().contains(store)).map(ServiceSpec::name).collect(Collectors.toSet());
            assertThat(peers(resource(overlay, "NetworkPolicy", store.id()), "ingress", "from"))
                    .as(store.id() + " admits").isEqualTo(withSelf(owners, store));
        }
        for (var service : deployments()) {
            var reached = peers(resource(overlay, "NetworkPolicy", service.name()), "egress", "to");
            var storesReached = stores.stream().map(Component::id).filter(reached::contains).collect(Collectors.toSet());
            assertThat(storesReached).as(service.name() + " reaches")
                    .isEqualTo(service.needs().stream().filter(stores::contains).map(Component::id).collect(Collectors.toSet()));
        }
        // From outside the cluster, only the gateway: its rule names no source; every other names its sources.
        for (var node : RENDERED.get(overlay)) {
            if (node.path("kind").asText().equals("NetworkPolicy") && !node.path("metadata").path("name").asText().equals("gateway")) {
                node.path("spec").path("ingress").forEach(rule -> assertThat(rule.path("from").size())
                        .as(node.path("metadata").path("name").asText() + " admits named pods only").isPositive());
            }
        }
    }

    /**
     * What the observability component needs from the policies, under the default deny: Prometheus
     * opens a connection to each service's pods on the port their annotations tell it to scrape,
     * and each service to Zipkin's pods on the port of the span endpoint it is given.
     */
    @ParameterizedTest
    @MethodSource("servicesInOverlays")
    void prometheusScrapesTheServiceAndTheServiceReachesZipkin(String overlay, ServiceSpec service) {
        var policies = RENDERED.get(overlay).stream().filter(node -> node.path("kind").asText().equals("NetworkPolicy")).toList();
        var deployment = resource(overlay, "Deployment", service.name());
        var annotations = deployment.path("spec").path("template").path("metadata").path("annotations");
        assertThat(annotations.path("prometheus.io/scrape").asText()).as(service.name() + " asks to be scraped").isEqualTo("true");
        assertThat(annotations.path("prometheus.io/path").asText()).isEqualTo("/q/metrics");
        var metricsPort = annotations.path("prometheus.io/port").asInt();
        assertThat(metricsPort).as(service.name() + "'s metrics port is its HTTP port").isEqualTo(service.port());
        var prometheus = labels(resource(overlay, "Deployment", "prometheus"));
        assertThat(NetworkPolicies.allow(policies, prometheus, labels(deployment), metricsPort))
                .as("prometheus → " + service.name() + ":" + metricsPort).isTrue();

        var endpoint = java.net.URI.create(env(container(deployment)).get("SANDBOX_TRACING_ZIPKIN_ENDPOINT"));
        var zipkin = resource(overlay, "Service", endpoint.getHost());
        var zipkinPort = zipkin.path("spec").path("ports").get(0);
        assertThat(zipkinPort.path("port").asInt()).isEqualTo(endpoint.getPort());
        var zipkinPod = RENDERED.get(overlay).stream().filter(node -> node.path("kind").asText().equals("Deployment"))
                .filter(node -> selects(zipkin.path("spec").path("selector"), labels(node))).findFirst().orElseThrow();
        assertThat(NetworkPolicies.allow(policies, labels(deployment), labels(zipkinPod), zipkinPort.path("targetPort").asInt()))
                .as(service.name() + " → " + endpoint).isTrue();
    }

    /** The evaluation the test above rests on refuses what the policies do not allow. */
    @Test
    void thePolicyEvaluationRefusesWhatIsNotAllowed() {
        var policies = RENDERED.get("dev").stream().filter(node -> node.path("kind").asText().equals("NetworkPolicy")).toList();
        var prometheus = labels(resource("dev", "Deployment", "prometheus"));
        var gateway = labels(resource("dev", "Deployment", "gateway"));
        var postgres = labels(resource("dev", "StatefulSet", Component.POSTGRES.id()));
        var zipkin = labels(resource("dev", "Deployment", "zipkin"));
        assertThat(NetworkPolicies.allow(policies, prometheus, gateway, 8080)).isTrue();
        assertThat(NetworkPolicies.allow(policies, prometheus, gateway, 8081)).as("another port").isFalse();
        assertThat(NetworkPolicies.allow(policies, prometheus, postgres, 5432)).as("a store").isFalse();
        assertThat(NetworkPolicies.allow(policies, postgres, zipkin, 9411)).as("spans from a store").isFalse();
        assertThat(NetworkPolicies.allow(policies, gateway, prometheus, 9090)).as("a service to Prometheus").isFalse();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyContainerRunsLockedDown(String overlay) throws IOException {
        var writable = exceptions(overlay).stream().filter(exception -> exception.check().equals("container-security-context-readonlyrootfilesystem"))
                .flatMap(exception -> exception.resources().stream()).collect(Collectors.toSet());
        for (var workload : workloads(overlay)) {
            var name = workload.path("metadata").path("name").asText();
            var pod = workload.path("spec").path("template").path("spec");
            assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).as(name + " runs as non-root").isTrue();
            assertThat(pod.path("automountServiceAccountToken").asBoolean(true))
                    .as(name + " holds an API token only if it reads the API, and then may only read").isEqualTo(readsTheApi(overlay, pod));
            for (var container : pod.path("containers")) {
                var context = container.path("securityContext");
                assertThat(context.path("allowPrivilegeEscalation").asBoolean(true)).as(name).isFalse();
                assertThat(context.path("privileged").asBoolean(true)).as(name).isFalse();
                assertThat(context.path("capabilities").path("drop").toString()).as(name + " drops all capabilities").contains("\"ALL\"");
                assertThat(context.path("readOnlyRootFilesystem").asBoolean()).as(name + " has a read-only root")
                        .isEqualTo(!writable.contains(name));
            }
        }
    }

    /** Every memory limit is at least twice the measured RSS; outside dev, every request 1.25 times. */
    @ParameterizedTest
    @MethodSource("overlays")
    void resourcesCoverTheMeasuredMemory(String overlay) throws IOException {
        var measured = new HashMap<String, Integer>();
        for (var line : Files.readAllLines(BASE.resolve("measured-rss.tsv"))) {
            if (!line.startsWith("#") && !line.isBlank()) {
                var columns = line.split("\t");
                measured.put(columns[0], Integer.parseInt(columns[1]));
            }
        }
        for (var workload : workloads(overlay)) {
            var name = workload.path("metadata").path("name").asText();
            assertThat(measured).as("measured-rss.tsv has " + name).containsKey(name);
            var resources = container(workload).path("resources");
            assertThat(resources.path("requests").path("cpu").isMissingNode()).as(name + " requests CPU").isFalse();
            assertThat(resources.path("limits").path("cpu").isMissingNode()).as(name + " limits CPU").isFalse();
            var limit = mebibytes(resources.path("limits").path("memory").asText());
            assertThat(limit).as(name + "'s memory limit, measured " + measured.get(name) + " MiB").isGreaterThanOrEqualTo(2.0 * measured.get(name));
            if (!overlay.equals("dev")) {
                assertThat(mebibytes(resources.path("requests").path("memory").asText())).as(name + "'s memory request")
                        .isGreaterThanOrEqualTo(1.25 * measured.get(name));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyReplicatedWorkloadHasADisruptionBudget(String overlay) {
        var budgets = RENDERED.get(overlay).stream().filter(node -> node.path("kind").asText().equals("PodDisruptionBudget"))
                .map(node -> node.path("spec").path("selector").path("matchLabels").path("app.kubernetes.io/name").asText())
                .collect(Collectors.toSet());
        for (var workload : workloads(overlay)) {
            var name = workload.path("metadata").path("name").asText();
            if (replicas(overlay, workload) > 1) {
                assertThat(budgets).as(name + " has " + replicas(overlay, workload) + " replicas").contains(name);
            }
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------

    record LinterException(String overlay, String check, Set<String> resources) {
    }

    private static List<LinterException> exceptions(String overlay) throws IOException {
        return Files.readAllLines(DEPLOY.resolve("kube-score-exceptions.txt")).stream()
                .filter(line -> !line.startsWith("#") && !line.isBlank())
                .map(line -> line.strip().split("\\s+", 4))
                .map(columns -> new LinterException(columns[0], columns[1], Set.of(columns[2].split(","))))
                .filter(exception -> exception.overlay().equals("*") || exception.overlay().equals(overlay))
                .toList();
    }

    /**
     * Whether a pod runs under a service account bound, in its namespace, to a Role that only reads
     * (Prometheus lists the pods to scrape); no workload is bound to a ClusterRole.
     */
    private static boolean readsTheApi(String overlay, JsonNode pod) {
        var account = pod.path("serviceAccountName").asText("");
        assertThat(RENDERED.get(overlay).stream().map(node -> node.path("kind").asText())).doesNotContain("ClusterRoleBinding");
        var roles = RENDERED.get(overlay).stream()
                .filter(node -> node.path("kind").asText().equals("RoleBinding"))
                .filter(binding -> !account.isEmpty() && binding.path("subjects").findValuesAsText("name").contains(account))
                .map(binding -> resource(overlay, binding.path("roleRef").path("kind").asText(), binding.path("roleRef").path("name").asText()))
                .toList();
        return !roles.isEmpty() && roles.stream().allMatch(role -> role.path("rules").findValues("verbs").stream()
                .allMatch(verbs -> Set.of("get", "list", "watch").containsAll(YAML.convertValue(verbs, List.class))));
    }

    /** The labels a workload's pods carry. */
    @SuppressWarnings("unchecked")
    private static Map<String, String> labels(JsonNode workload) {
        return YAML.convertValue(workload.path("spec").path("template").path("metadata").path("labels"), Map.class);
    }

    private static boolean selects(JsonNode selector, Map<String, String> labels) {
        var wanted = new HashMap<String, String>();
        selector.properties().forEach(entry -> wanted.put(entry.getKey(), entry.getValue().asText()));
        return labels.entrySet().containsAll(wanted.entrySet());
    }

    private static List<JsonNode> workloads(String overlay) {
        return RENDERED.get(overlay).stream().filter(node -> Set.of("Deployment", "StatefulSet").contains(node.path("kind").asText())).toList();
    }

    /** The replicas a workload runs with: its own count, or its autoscaler's least. */
    private static int replicas(String overlay, JsonNode workload) {
        var name = workload.path("metadata").path("name").asText();
        return RENDERED.get(overlay).stream()
                .filter(node -> node.path("kind").asText().equals("HorizontalPodAutoscaler"))
                .filter(node -> node.path("spec").path("scaleTargetRef").path("name").asText().equals(name))
                .map(node -> node.path("spec").path("minReplicas").asInt())
                .findFirst()
                .orElseGet(() -> workload.path("spec").path("replicas").asInt(1));
    }

    private static JsonNode container(JsonNode workload) {
        return workload.path("spec").path("template").path("spec").path("containers").get(0);
    }

    private static Map<String, String> env(JsonNode container) {
        var environment = new HashMap<String, String>();
        container.path("env").forEach(variable -> environment.put(variable.path("name").asText(), variable.path("value").asText()));
        return environment;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> configMap(String overlay, JsonNode container) {
        var name = container.path("envFrom").get(0).path("configMapRef").path("name").asText();
        return YAML.convertValue(resource(overlay, "ConfigMap", unsuffixed(name)).path("data"), Map.class);
    }

    private static String secretValue(String overlay, String secretAndKey) {
        var parts = secretAndKey.split("/");
        return new String(Base64.getDecoder().decode(resource(overlay, "Secret", parts[0]).path("data").path(parts[1]).asText()));
    }

    /** The pods a NetworkPolicy's rules name, other than by the metrics server and the cluster's DNS. */
    private static Set<String> peers(JsonNode policy, String direction, String field) {
        var names = new HashSet<String>();
        policy.path("spec").path(direction).forEach(rule -> rule.path(field).forEach(peer -> {
            var name = peer.path("podSelector").path("matchLabels").path("app.kubernetes.io/name").asText("");
            if (!name.isEmpty() && !name.equals("prometheus") && !name.equals("zipkin")) {
                names.add(name);
            }
        }));
        return names;
    }

    private static Set<String> withSelf(Set<String> owners, Component store) {
        var names = new HashSet<>(owners);
        if (store == Component.KAFKA || store == Component.RABBITMQ) {
            names.add(store.id()); // the members of the cluster
        }
        return names;
    }

    private static double mebibytes(String quantity) {
        var matcher = Pattern.compile("(\\d+)(Mi|Gi)").matcher(quantity);
        assertThat(matcher.matches()).as("memory in Mi or Gi: " + quantity).isTrue();
        return Integer.parseInt(matcher.group(1)) * (matcher.group(2).equals("Gi") ? 1024.0 : 1.0);
    }

    private static String unsuffixed(String name) {
        return name.replaceAll("-[a-z0-9]{10}$", "");
    }

    /** A rendered resource by kind and name; kustomize suffixes generated ConfigMaps' and Secrets' names with a hash. */
    private static JsonNode resource(String overlay, String kind, String name) {
        var rendered = RENDERED.get(overlay);
        return rendered.stream()
                .filter(node -> node.path("kind").asText().equals(kind))
                .filter(node -> node.path("metadata").path("name").asText().matches(Pattern.quote(name) + "(-[a-z0-9]{10})?"))
                .findFirst()
                .orElseThrow(() -> new AssertionError(kind + " " + name + " is not in the " + overlay + " overlay; rendered: " + rendered.stream()
                        .map(node -> node.path("kind").asText() + "/" + node.path("metadata").path("name").asText())
                        .collect(Collectors.joining(", "))));
    }

    /**
     * The manifest quarkus-kubernetes wrote for the service's module on package. A second service
     * from the same module (order-processor runs order-service's jar in another role) gets that
     * manifest under its own name and port; only the image stays the module's.
     */
    private static String generated(ServiceSpec service) throws IOException {
        var manifest = DeploymentTopology.ROOT.resolve(service.module()).resolve("target/kubernetes/kubernetes.yml");
        assertThat(manifest).as("built with ./mvnw package").exists();
        var content = Files.readString(manifest);
        if (service.name().equals(service.module())) {
            return content;
        }
        var modulePort = Topology.service(service.module()).orElseThrow().port();
        return content.lines()
                .map(line -> line.trim().startsWith("image:") ? line : line.replace(service.module(), service.name()))
                .map(line -> line.replaceAll("\\b" + modulePort + "\\b", String.valueOf(service.port())))
                .collect(Collectors.joining("\n", "", "\n"));
    }

    /** The service's environment in the cluster, but for what comes from Secrets. */
    private static String envFile(ServiceSpec service) {
        var lines = new StringBuilder("# ").append(service.name())
                .append("'s environment in the cluster (what ./sandbox gives it locally, with in-cluster addresses; credentials come from Secrets)\n");
        new LinkedHashMap<>(DeploymentTopology.clusterEnvironment(service)).forEach((key, value) -> {
            if (!FROM_SECRETS.containsKey(key)) {
                lines.append(key).append('=').append(value).append('\n');
            }
        });
        return lines.toString();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (var path : files.toList()) {
                var relative = from.relativize(path);
                if (relative.startsWith(Path.of("overlays/scaled/secrets"))) {
                    continue; // a developer's own secrets stay where they are
                }
                var target = to.resolve(relative.toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
    }
}
