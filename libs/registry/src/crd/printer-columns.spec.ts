// Expected values from apiextensions-apiserver pkg/registry/customresource/tableconvertor
// (tableconvertor_test.go and what kube-apiserver 1.33 answers for the CronTab example).
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '@portico/api';
import { toTable } from '../printers/table';
import { printerColumnsTableConvertor } from './printer-columns';

const now = new Date('2025-06-01T12:00:00Z');

const cronTab: KubeObject = {
  apiVersion: 'stable.example.com/v1',
  kind: 'CronTab',
  metadata: { name: 'my-new-cron-object', namespace: 'default', creationTimestamp: '2025-06-01T11:55:00Z' },
  spec: { cronSpec: '* * * * */5', image: 'my-awesome-cron-image', replicas: 3, ratio: 1.5, paused: false, tags: ['a', 'b'], selector: { b: '2', a: '1' } },
  status: {
    lastRun: '2025-05-31T12:00:00Z',
    conditions: [
      { type: 'Ready', status: 'True' },
      { type: 'Synced', status: 'False' },
    ],
  },
};

describe('printerColumnsTableConvertor', () => {
  it('puts Name first and describes columns as kube-apiserver does', () => {
    const c = printerColumnsTableConvertor([
      { name: 'Spec', type: 'string', jsonPath: '.spec.cronSpec' },
      { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas', description: 'How many', priority: 1 },
      { name: 'Last', type: 'date', format: 'date-time', jsonPath: '.status.lastRun' },
    ]);
    expect(c.columnDefinitions).toEqual([
      {
        name: 'Name',
        type: 'string',
        format: 'name',
        description:
          'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
        priority: 0,
      },
      { name: 'Spec', type: 'string', format: '', description: 'Custom resource definition column (in JSONPath format): .spec.cronSpec', priority: 0 },
      { name: 'Replicas', type: 'integer', format: '', description: 'How many', priority: 1 },
      { name: 'Last', type: 'date', format: 'date-time', description: 'Custom resource definition column (in JSONPath format): .status.lastRun', priority: 0 },
    ]);
  });

  it('serves Age from creationTimestamp when the version declares no columns', () => {
    const c = printerColumnsTableConvertor(undefined);
    expect(c.columnDefinitions.map((d) => [d.name, d.type, d.format, d.priority])).toEqual([
      ['Name', 'string', 'name', 0],
      ['Age', 'date', '', 0],
    ]);
    expect(c.columnDefinitions[1]?.description).toMatch(/^CreationTimestamp is a timestamp representing the server time/);
    expect(c.printRow(cronTab, now).cells).toEqual(['my-new-cron-object', '5m']);
  });

  it('evaluates each cell with its type (cellForJSONValue) and prints strings with jsonpath', () => {
    const c = printerColumnsTableConvertor([
      { name: 'Spec', type: 'string', jsonPath: '.spec.cronSpec' },
      { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
      { name: 'RatioAsInt', type: 'integer', jsonPath: '.spec.ratio' },
      { name: 'Ratio', type: 'number', jsonPath: '.spec.ratio' },
      { name: 'Paused', type: 'boolean', jsonPath: '.spec.paused' },
      { name: 'Last', type: 'date', jsonPath: '.status.lastRun' },
      { name: 'Tags', type: 'string', jsonPath: '.spec.tags' },
      { name: 'Selector', type: 'string', jsonPath: '.spec.selector' },
      { name: 'ReplicasText', type: 'string', jsonPath: '.spec.replicas' },
      { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
      { name: 'FirstTag', type: 'string', jsonPath: '.spec.tags[*]' },
      { name: 'Missing', type: 'string', jsonPath: '.spec.nothing' },
      { name: 'WrongType', type: 'integer', jsonPath: '.spec.cronSpec' },
      { name: 'BadDate', type: 'date', jsonPath: '.spec.image' },
    ]);
    expect(c.printRow(cronTab, now).cells).toEqual([
      'my-new-cron-object',
      '* * * * */5',
      3,
      1,
      1.5,
      false,
      '24h',
      '["a","b"]',
      '{"a":"1","b":"2"}',
      '3',
      'True',
      'a',
      null,
      null,
      '<invalid>',
    ]);
  });

  it('makes a Table whose empty list has rows [] (MetaToTableRow starts from an empty slice)', () => {
    const c = printerColumnsTableConvertor(undefined);
    const table = toTable(c, [], { now, resource: { group: 'stable.example.com', resource: 'crontabs' } });
    expect(table.rows).toEqual([]);
    expect(table.columnDefinitions?.map((d) => d.name)).toEqual(['Name', 'Age']);
  });
});
