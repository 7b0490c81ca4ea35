import type { Migration } from 'kysely';
import * as core from './001_core.js';
import * as orderPrices from './002_order_prices.js';
import * as waitingRooms from './003_waiting_rooms.js';
import * as shield from './004_shield.js';
import * as holdCredentials from './005_hold_credentials.js';
import * as salesSchedule from './006_sales_schedule.js';
import * as auditChain from './007_audit_chain.js';
import * as staffAccounts from './008_staff_accounts.js';
import * as apiKeys from './009_api_keys.js';
import * as customerAccounts from './010_customer_accounts.js';
import * as customerPasskeys from './011_customer_passkeys.js';
import * as pageIntegrity from './012_page_integrity.js';
import * as incidentResponse from './013_incident_response.js';
import * as stakeholderContacts from './014_stakeholder_contacts.js';
import * as scopeCountsFirst from './015_scope_counts_first.js';
import * as venueTimeAndChannels from './016_venue_time_and_channels.js';
import * as staffHolds from './017_staff_holds.js';
import * as refunds from './018_refunds.js';
import * as archiveAndExport from './019_archive_and_export.js';
import * as moveTarget from './020_move_target.js';

/** Ordered migrations, each with up and down. Listed here rather than read from disk, so the
 * same set runs from source (tsx) and from the compiled build. */
export const migrations: Record<string, Migration> = {
  '001_core': core,
  '002_order_prices': orderPrices,
  '003_waiting_rooms': waitingRooms,
  '004_shield': shield,
  '005_hold_credentials': holdCredentials,
  '006_sales_schedule': salesSchedule,
  '007_audit_chain': auditChain,
  '008_staff_accounts': staffAccounts,
  '009_api_keys': apiKeys,
  '010_customer_accounts': customerAccounts,
  '011_customer_passkeys': customerPasskeys,
  '012_page_integrity': pageIntegrity,
  '013_incident_response': incidentResponse,
  '014_stakeholder_contacts': stakeholderContacts,
  '015_scope_counts_first': scopeCountsFirst,
  '016_venue_time_and_channels': venueTimeAndChannels,
  '017_staff_holds': staffHolds,
  '018_refunds': refunds,
  '019_archive_and_export': archiveAndExport,
  '020_move_target': moveTarget,
};
