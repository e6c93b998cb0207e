import type { ServiceTarget } from './service-target';

/** What `service status` reports. */
export interface ServiceStatus {
  installed: boolean;
  /** `active`, `inactive`, `failed`, `running`, `Ready`… as the service manager says it; null when not installed. */
  state: string | null;
  /** Where the definition is (unit file, plist, task name). */
  location: string;
}

/** One platform's service manager (systemd user units, launchd agents, Task Scheduler). */
export interface ServiceManager {
  /** `systemd`, `launchd`, `Task Scheduler`. */
  readonly name: string;
  /** Null when usable here, else why not (in words); nothing has been changed then. */
  unavailable(): Promise<string | null>;
  /** The file or task definition `install` writes. */
  render(target: ServiceTarget): string;
  /** Write the definition, register it and start the agent. Resolves to lines to show the user. */
  install(target: ServiceTarget): Promise<string[]>;
  /** Stop and remove; false when there was nothing installed. */
  uninstall(): Promise<boolean>;
  status(): Promise<ServiceStatus>;
}
