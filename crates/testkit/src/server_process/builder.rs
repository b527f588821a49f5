//! `ServerProcessBuilder`: the program, its arguments and environment, when it counts as
//! ready and where its output goes; and starting it.

use super::{Output, Ready, ServerProcess, StartError, output};
use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use tokio::sync::mpsc;

/// How to start a [`ServerProcess`]: the program, its arguments and environment, when it is
/// ready ([`Ready::Address`] unless told) and where its output goes ([`Output::Memory`]
/// unless told). The environment is inherited, with the changes made here.
pub struct ServerProcessBuilder {
    command: Command,
    ready: Ready,
    output: Output,
    own_process_group: bool,
}

impl ServerProcess {
    /// How to start `program`.
    pub fn builder(program: impl AsRef<OsStr>) -> ServerProcessBuilder {
        ServerProcessBuilder {
            command: Command::new(program),
            ready: Ready::Address,
            output: Output::Memory,
            own_process_group: false,
        }
    }
}

impl ServerProcessBuilder {
    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Self {
        self.command.arg(arg);
        self
    }

    pub fn args<S: AsRef<OsStr>>(mut self, args: impl IntoIterator<Item = S>) -> Self {
        self.command.args(args);
        self
    }

    pub fn env(mut self, name: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Self {
        self.command.env(name, value);
        self
    }

    pub fn envs<K: AsRef<OsStr>, V: AsRef<OsStr>>(
        mut self,
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        self.command.envs(vars);
        self
    }

    /// Leaves `name` out of the inherited environment (unless set again afterwards).
    pub fn env_remove(mut self, name: impl AsRef<OsStr>) -> Self {
        self.command.env_remove(name);
        self
    }

    pub fn current_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.command.current_dir(dir);
        self
    }

    pub fn ready(mut self, ready: Ready) -> Self {
        self.ready = ready;
        self
    }

    pub fn output(mut self, output: Output) -> Self {
        self.output = output;
        self
    }

    /// Starts the program as the leader of a new process group, and kills the whole group
    /// when stopping it (chromedriver and the Chromium processes it starts). Unix only.
    pub fn own_process_group(mut self) -> Self {
        self.own_process_group = true;
        self
    }

    /// Starts the program and waits (up to [`READY_TIMEOUT`]) until it is ready.
    ///
    /// # Errors
    /// The program cannot be started, or exits or stays silent before it is ready.
    pub async fn start(mut self) -> Result<ServerProcess, StartError> {
        let program = self.command.get_program().to_string_lossy().into_owned();
        #[cfg(unix)]
        if self.own_process_group {
            std::os::unix::process::CommandExt::process_group(&mut self.command, 0);
        }
        let stderr = match self.output {
            Output::Stdout(_) => Stdio::inherit(),
            Output::Memory | Output::File(_) => Stdio::piped(),
        };
        let spawned = self
            .command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn();
        let mut child = spawned.map_err(|source| StartError::Spawn {
            program: program.clone(),
            source,
        })?;
        let logs = Arc::default();
        let (ready_tx, ready_rx) = mpsc::unbounded_channel();
        let readers = output::read(&mut child, self.output, &logs, &self.ready, ready_tx);
        let mut process = ServerProcess {
            program,
            child,
            own_process_group: self.own_process_group,
            address: None,
            logs,
            readers,
        };
        if let Some(awaited) = output::awaited(&self.ready) {
            let found = process.wait_until_ready(ready_rx, awaited).await?;
            process.address = (self.ready == Ready::Address).then_some(found);
        }
        Ok(process)
    }
}
