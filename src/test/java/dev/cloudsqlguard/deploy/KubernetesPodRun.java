package dev.cloudsqlguard.deploy;

/** The pod test with the guard of k8s/kubernetes/deployment.yaml (and configmap.yaml): see {@link GuardPodRun}. */
class KubernetesPodRun extends GuardPodRun {

    KubernetesPodRun() {
        super("kubernetes", GuardPodSpec.kubernetes());
    }
}
