// Doctor: checks a site and tells what to fix (links and RTT, partition, certificates, DNS,
// export backends, import listeners), with an exit code by the worst finding. May import api/
// (shapes), config/ and site-files/.
export { DoctorExit, doctorExit, type DoctorCheck, type Severity } from './doctor-check.js';
export { runDoctor } from './run-doctor.js';
export { certificateCheck, linkChecks, partitionCheck } from './site-checks.js';
