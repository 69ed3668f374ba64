#!/usr/bin/env python3
# Minimal stand-in for the GraalVM native-image driver (the real driver is not published on Maven Central).
import os, sys, re, uuid, zipfile, subprocess
HOME = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
SVM = os.path.join(HOME, 'lib', 'svm')
VERSION = '25.0.4'

def expand(args):
    out = []
    for a in args:
        if a.startswith('@') and os.path.isfile(a[1:]):
            with open(a[1:]) as f:
                out += expand([l.strip() for l in re.split(r'\s+(?=(?:[^"]*"[^"]*")*[^"]*$)', f.read()) if l.strip()])
        else:
            out.append(a)
    return out

args = expand(sys.argv[1:])
if '--version' in args or '-version' in args:
    print(f'native-image {VERSION} 2026-01-20')
    print(f'GraalVM Runtime Environment GraalVM CE {VERSION}+7.1 (build {VERSION}+7-jvmci-b01)')
    print(f'Substrate VM GraalVM CE {VERSION}+7.1 (build {VERSION}+7-jvmci-b01, serial gc)')
    sys.exit(0)

jvm, builder, cp, pos, excludes = [], [], [], [], []
CONFIG_OPTS = {'reflect-config.json': 'ReflectionConfigurationResources', 'jni-config.json': 'JNIConfigurationResources',
    'resource-config.json': 'ResourceConfigurationResources', 'proxy-config.json': 'DynamicProxyConfigurationResources',
    'serialization-config.json': 'SerializationConfigurationResources', 'predefined-classes-config.json': 'PredefinedClassesConfigurationResources',
    'reachability-metadata.json': 'ReachabilityMetadataResources'}
state = {'jar': None, 'name': None}

def translate(a, it, from_props=False):
    def val():
        return a.split('=', 1)[1] if '=' in a else ''
    if a.startswith('-J'): jvm.append(a[2:])
    elif a.startswith('-H:') or a.startswith('-R:'): builder.append(a)
    elif a == '--exclude-config': excludes.append((next(it), next(it)))
    elif a.startswith('--add-opens') or a.startswith('--add-exports') or a.startswith('--add-reads'):
        kind = a[2:].split('=')[0]; v = val() if '=' in a else next(it)
        builder.append('-H:' + {'add-opens': 'AddOpens', 'add-exports': 'AddExports', 'add-reads': 'AddReads'}[kind] + '=' + v)
    elif a.startswith('--features='): builder.append('-H:Features=' + val())
    elif a == '--no-fallback': builder.append('-H:FallbackThreshold=0')
    elif a.startswith('--link-at-build-time'): builder.append('-H:LinkAtBuildTime=' + val())
    elif a.startswith('--enable-url-protocols='): builder.append('-H:EnableURLProtocols=' + val())
    elif a.startswith('--enable-monitoring'): builder.append('-H:EnableMonitoringFeatures=' + (val() or 'all'))
    elif a.startswith('--enable-native-access='): builder.append('-H:EnableNativeAccess=' + val())
    elif a.startswith('--initialize-at-build-time'):
        v = val(); builder.append('-H:ClassInitialization=' + (','.join(c + ':build_time' for c in v.split(',') if c) if v else ':build_time'))
    elif a.startswith('--initialize-at-run-time='):
        builder.append('-H:ClassInitialization=' + ','.join(c + ':run_time' for c in val().split(',') if c))
    elif a in ('-cp', '-classpath', '--class-path'): cp.extend(next(it).split(':'))
    elif a == '-jar': state['jar'] = next(it)
    elif a == '-o': state['name'] = next(it)
    elif a in ('--verbose', '--no-server', '-g', '-O0', '-O1', '-O2', '-Ob'): builder.append({'-g': '-H:GenerateDebugInfo=1', '-O0': '-H:Optimize=0', '-O1': '-H:Optimize=1', '-O2': '-H:Optimize=2', '-Ob': '-H:Optimize=b'}.get(a, '-H:+UnlockExperimentalVMOptions'))
    elif a.startswith('-march='): builder.append('-H:March=' + val())
    elif a == '--static': builder.append('-H:+StaticExecutable')
    elif a == '--shared': builder.append('-H:+SharedLibrary')
    elif a.startswith('-D'): builder.append(a)  # image build-time system property (best effort)
    elif a.startswith('-'): print(f'native-image(stand-in): ignoring unsupported option {a}', file=sys.stderr)
    elif not from_props: pos.append(a)

it = iter(args)
for a in it: translate(a, it)

if state['jar']:
    jar = os.path.abspath(state['jar'])
    cp.insert(0, jar)
    with zipfile.ZipFile(jar) as z:
        mf = z.read('META-INF/MANIFEST.MF').decode().replace('\r\n ', '').replace('\n ', '')
    m = dict(l.split(': ', 1) for l in mf.splitlines() if ': ' in l)
    main = m.get('Main-Class')
    for k, o in (('Add-Opens', 'AddOpens'), ('Add-Exports', 'AddExports')):
        for mp_ in m.get(k, '').split():
            builder.append('-H:' + o + '=' + mp_ + '=ALL-UNNAMED')
    for e in m.get('Class-Path', '').split():
        cp.append(os.path.join(os.path.dirname(jar), e))
    if pos and not state['name']: state['name'] = pos[0]
else:
    main = pos[0] if pos else None
    if len(pos) > 1 and not state['name']: state['name'] = pos[1]
if not state['name']:
    state['name'] = (os.path.basename(state['jar'])[:-4] if state['jar'] else (main or 'image').split('.')[-1].lower())

# Apply "Args"/"JavaArgs" from META-INF/native-image/**/native-image.properties on the class path (as the real driver does).
def props_args(text):
    text = re.sub(r'\\\s*\n\s*', ' ', text)
    res = {}
    for l in text.splitlines():
        l = l.strip()
        if l and not l.startswith('#') and '=' in l:
            k, v = l.split('=', 1); res[k.strip()] = v.strip()
    return res
for e in cp:
    try:
        if os.path.isfile(e) and e.endswith('.jar'):
            with zipfile.ZipFile(e) as z:
                for n in z.namelist():
                    if any(re.search(jr, e) and re.search(rr, '/' + n) for jr, rr in excludes):
                        continue
                    base = n.rsplit('/', 1)[-1]
                    if n.startswith('META-INF/native-image/') and base in CONFIG_OPTS:
                        builder.append('-H:' + CONFIG_OPTS[base] + '=' + n)
                    if n.startswith('META-INF/native-image/') and n.endswith('/native-image.properties'):
                        p = props_args(z.read(n).decode('utf-8', 'replace'))
                        for k, tgt in (('Args', None), ('JavaArgs', 'J')):
                            toks = p.get(k, '').split()
                            it2 = iter(['-J' + t for t in toks] if tgt else toks)
                            for t in it2: translate(t, it2, True)
    except Exception as ex:
        print(f'native-image(stand-in): cannot scan {e}: {ex}', file=sys.stderr)

java = os.path.join(HOME, 'bin', 'java')
bdir = os.path.join(SVM, 'builder')
jars = sorted(os.path.join(bdir, j) for j in os.listdir(bdir) if j.endswith('.jar'))
comp = [j for j in jars if os.path.basename(j).startswith('compiler-')]
mp = [j for j in jars if j not in comp]
env = dict(os.environ, JVMCI_VERSION_CHECK='ignore')
cmd = [java, '-XX:+UnlockExperimentalVMOptions', '-XX:+EnableJVMCI', '-XX:-UseJVMCICompiler', '-XX:+UseParallelGC', '-Xss10m',
       os.environ.get('NATIVE_IMAGE_XMX', '-Xmx8g'),
       '-Djdk.internal.lambda.disableEagerInitialization=true', '-Dcom.oracle.graalvm.isaot=true',
       '-Djava.lang.invoke.MethodHandle.DUMP_CLASS_FILES=false', f'-Dorg.graalvm.version={VERSION}', f'-Dorg.graalvm.vendorversion=GraalVM CE {VERSION}+7.1', '-Dorg.graalvm.vendor=stand-in',
       '-Dorg.graalvm.nativeimage.imagecode=buildtime', '-Djava.system.class.loader=com.oracle.svm.hosted.NativeImageSystemClassLoader',
       '--enable-native-access=ALL-UNNAMED,org.graalvm.nativeimage.builder', '-Djdk.module.main=org.graalvm.nativeimage.builder',
       '--upgrade-module-path', ':'.join(comp), '--module-path', ':'.join(mp),
       # Resolve every JDK module in the builder's boot layer (GraalVM's driver passes ALL-DEFAULT): the
       # image's class path may use any of them (java.net.http for webhooks, jdk.net, ...).
       '--add-modules=ALL-SYSTEM', '@' + os.path.join(bdir, 'exports.args')] + jvm + [
       '-m', 'org.graalvm.nativeimage.builder/com.oracle.svm.hosted.NativeImageGeneratorRunner',
       '-imagecp', ':'.join(os.path.abspath(c) for c in cp), f'-H:ImageBuildID={uuid.uuid4()}',
       '-H:Path=' + os.getcwd(), '-H:Name=' + state['name'],
       '-H:CLibraryPath=' + os.path.join(SVM, 'clibraries', 'linux-amd64'),
       '-H:NativeLinkerOption=-Wl,-rpath,' + os.path.join(SVM, 'rt')] + (['-H:Class=' + main] if main else []) + builder
if os.environ.get('NATIVE_IMAGE_DEBUG'): print(' '.join(cmd), file=sys.stderr)
r = subprocess.run(cmd, env=env)
sys.exit(r.returncode)
