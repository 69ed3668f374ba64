package dev.cloudsqlguard.deploy;

/** The pod test with the guard of k8s/cloud-run/service.yaml: see {@link GuardPodRun}. */
class CloudRunPodRun extends GuardPodRun {

    CloudRunPodRun() {
        super("cloud-run", GuardPodSpec.cloudRun());
    }
}
